"""Forms of the staff side: the data a move takes (SPEC §11), objections, expert scores, inspection."""

from django import forms

from workflow.states import InspectionResult
from workflow.transitions import TRANSITIONS

from .models import ExpertRecusal, ExpertScore, Objection, RevocationEvidence, TrackingEvaluation

# An <input type="date"> reads only ISO dates: without the format its default value shows empty.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MoveForm(forms.Form):
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    # Set by the confirmation (dialog or page) of a move that ends or cancels a case.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, name, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name
        transition = TRANSITIONS[name]
        self.fields.update(transition.fields())
        if transition.comment_required:
            self.fields["comment"].required = True
            self.fields["comment"].label = "书面说明（必填）"

    def data_for_perform(self) -> dict:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("comment", "confirmed", "entries") and v not in (None, "", False)
        }


class BatchMoveForm(MoveForm):
    """One move for several selected entries: the move's own fields once, and the entries."""

    def __init__(self, name, *args, entries, **kwargs):
        super().__init__(name, *args, **kwargs)
        self.fields["entries"] = forms.ModelMultipleChoiceField(
            entries,
            label="选择申报",
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": "请至少选择一条申报。",
                "invalid_choice": "所选申报已不在待办列表中，请刷新页面后重新选择。",
                "invalid_pk_value": "所选申报无效，请刷新页面后重新选择。",
            },
        )
        if "minute_number" in self.fields:
            # The leading group approves a list at a meeting: the list is recorded with its 纪要号.
            self.fields["minute_number"].required = True


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["window", "received_on", "submitter_name", "submitter_contact", "facts", "attachment"]
        widgets = {"received_on": DATE, "facts": forms.Textarea(attrs={"rows": 3})}


class ObjectionDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label="结论", choices=[(Objection.State.UPHELD, "异议成立"), (Objection.State.DISMISSED, "异议不成立")]
    )
    finding = forms.CharField(label="核实结论（内部）", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    reply = forms.CharField(
        label="处理结果（答复反映人）",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="反映人凭受理编号和查询码在网站上看到这段文字，请勿写入他人的个人信息。",
    )


class InvestigationForm(forms.Form):
    investigation = forms.CharField(
        label="调查核实情况", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, required=False
    )


class ExpertScoreForm(forms.ModelForm):
    class Meta:
        model = ExpertScore
        fields = ["score", "finding_ethics", "finding_skill", "finding_innovation", "finding_mentoring", "opinion"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in fields[1:]}


class RecusalForm(forms.ModelForm):
    class Meta:
        model = ExpertRecusal
        fields = ["reason"]
        widgets = {"reason": forms.TextInput(attrs={"placeholder": "例如：与申报人同一单位、近亲属、师徒关系"})}


class InspectionForm(forms.Form):
    inspection_result = forms.ChoiceField(
        label="实地考察结果",
        choices=[
            (InspectionResult.NO_OBJECTION, "无异议"),
            (InspectionResult.OBJECTION, "有异议"),
        ],
    )
    inspection_note = forms.CharField(label="考察情况", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class TrackingEvaluationForm(forms.ModelForm):
    class Meta:
        model = TrackingEvaluation
        fields = ["year", "result", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}


class RevocationEvidenceForm(forms.ModelForm):
    class Meta:
        model = RevocationEvidence
        fields = ["title", "file"]
