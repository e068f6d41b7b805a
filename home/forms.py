"""The public objection form of a publicity notice (Art 9(2), 9(5))."""

from django import forms

from roster.files import validate_upload


class PublicObjectionForm(forms.Form):
    submitter_name = forms.CharField(label="真实姓名", max_length=50)
    submitter_contact = forms.CharField(label="联系方式（电话或邮箱）", max_length=100)
    entry = forms.ModelChoiceField(label="所涉公示人选", queryset=None, empty_label="请选择")
    facts = forms.CharField(
        label="反映的具体事实",
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=10,
        max_length=3000,
        error_messages={
            "min_length": "请把反映的事实写具体，至少%(limit_value)d个字（现在是%(show_value)d个字）。",
            "max_length": "反映的事实最多%(limit_value)d个字（现在是%(show_value)d个字），可将详细材料作为附件上传。",
        },
    )
    attachment = forms.FileField(
        label="证明材料（可选，PDF、JPEG或PNG，20MB以内）", required=False, validators=[validate_upload]
    )
    # A field people never see; a filled value marks an automated submission.
    website = forms.CharField(label="请勿填写此项", required=False, max_length=100)

    def __init__(self, notice, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        self.fields["entry"].queryset = notice.listed_entries()
        # As published: the snapshot's name and unit (SPEC §4).
        self.fields["entry"].label_from_instance = lambda e: "{name}（{unit_name}）".format(
            **{"name": e.person.name, "unit_name": e.unit.name, **(e.published_facts or {})}
        )
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("提交未通过校验，请刷新页面后重试。")
        return ""

    def clean_submitter_name(self):
        name = self.cleaned_data["submitter_name"].strip()
        if len(name) < 2:
            raise forms.ValidationError("请填写真实姓名。")
        return name

    def save(self):
        from roster.models import Objection

        data = self.cleaned_data
        objection = Objection(
            entry=data["entry"],
            window="unit" if self.notice.level == "unit" else "district",
            submitter_name=data["submitter_name"],
            submitter_contact=data["submitter_contact"],
            facts=data["facts"],
            from_public=True,
        )
        if data.get("attachment"):
            objection.attachment = data["attachment"]
        objection.full_clean()
        # Shown to the objector once, with the reference: together they open the reply later.
        self.lookup_code = objection.issue_lookup_code()
        objection.save()
        return objection


class ObjectionLookupForm(forms.Form):
    reference = forms.CharField(label="受理编号", max_length=30)
    code = forms.CharField(label="查询码", max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"}))
