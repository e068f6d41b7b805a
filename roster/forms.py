"""Forms of the staff side: the data a move takes (SPEC §11), objections, expert scores, inspection."""

from django import forms

from workflow.guards import REVOCATION_GROUNDS
from workflow.machine import COMMENT_REQUIRED, EntryLifecycle

from .models import ExpertScore, Objection

DATE = forms.DateInput(attrs={"type": "date"})


def _date(label, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


# The fields each move asks for, besides the comment.
MOVE_FIELDS = {
    "start_unit_publicity": lambda: {"first_day": _date("单位公示首日", required=False, help_text="留空为明天")},
    "start_district_publicity": lambda: {"unit_posted_on": _date("名单在申报单位公示（张贴）的日期")},
    "certify": lambda: {
        "announcement_date": _date("区政府办公室发文公布名单的日期"),
        "announcement_number": forms.CharField(label="公布文号", required=False, max_length=60),
        "certificate_number": forms.CharField(
            label="证书编号", required=False, max_length=30, help_text="留空则按 SZSX-年度-序号 自动编号"
        ),
    },
    "stop_benefits": lambda: {
        "reason": forms.ChoiceField(label="原因", choices=EntryLifecycle.StopReason.choices),
        "effective_date": _date("生效日期"),
    },
    "propose_revocation": lambda: {
        "ground": forms.TypedChoiceField(
            label="第十五条情形",
            coerce=int,
            choices=[(k, f"第{'一二三四'[k - 1]}项：{v}") for k, v in REVOCATION_GROUNDS.items()],
        ),
        "fact_date": _date("事实发生日期", required=False, help_text="第四项可不填"),
    },
    "fail_term_evaluation": lambda: {
        "unit_responsible": forms.BooleanField(label="单位负有责任（取消单位申报资格）", required=False)
    },
}


class MoveForm(forms.Form):
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, name, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name
        for field_name, field in MOVE_FIELDS.get(name, dict)().items():
            self.fields[field_name] = field
        if name in COMMENT_REQUIRED:
            self.fields["comment"].required = True
            self.fields["comment"].label = "书面说明（必填）"

    def data_for_perform(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "comment" and v not in (None, "")}


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["window", "received_on", "submitter_name", "submitter_contact", "facts", "attachment"]
        widgets = {"received_on": DATE, "facts": forms.Textarea(attrs={"rows": 3})}


class ObjectionDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label="结论", choices=[(Objection.State.UPHELD, "异议成立"), (Objection.State.DISMISSED, "异议不成立")]
    )
    finding = forms.CharField(label="核实结论", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ExpertScoreForm(forms.ModelForm):
    class Meta:
        model = ExpertScore
        fields = ["score", "finding_ethics", "finding_skill", "finding_innovation", "finding_mentoring", "opinion"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in fields[1:]}


class InspectionForm(forms.Form):
    inspection_result = forms.ChoiceField(
        label="实地考察结果",
        choices=[
            (EntryLifecycle.InspectionResult.NO_OBJECTION, "无异议"),
            (EntryLifecycle.InspectionResult.OBJECTION, "有异议"),
        ],
    )
    inspection_note = forms.CharField(label="考察情况", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class TrackingEvaluationForm(forms.ModelForm):
    class Meta:
        from .models import TrackingEvaluation

        model = TrackingEvaluation
        fields = ["year", "result", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}


class RevocationEvidenceForm(forms.ModelForm):
    class Meta:
        from .models import RevocationEvidence

        model = RevocationEvidence
        fields = ["title", "file"]
