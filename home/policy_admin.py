"""The office imports a revision of the measures in the admin (power manage_rules): it uploads the text
(.txt or .docx), sees what was read, and confirms; the text is then saved as a draft of the policy page
of its 文号 for review and publication. Between preview and confirmation the text stays in the session."""

import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from workflow.articles import article as cite_article
from workflow.articles import numeral
from workflow.models import RuleSet
from workflow.powers import may

from .models import PolicyPage, chinese_date
from .policy_import import (
    SUFFIXES,
    PolicyImportError,
    check_numbering,
    numbering_change,
    parse_policy,
    read_source,
    save_policy,
)

SESSION_KEY = "policy_import"
MAX_BYTES = 10 * 1024 * 1024
TITLE = "导入政策文件"


class PolicyUploadForm(forms.Form):
    file = forms.FileField(
        label="政策文件",
        help_text="纯文本（.txt）或 Word 文档（.docx），10MB以内。",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise ValidationError("只接受 .txt 或 .docx 文件（旧版 .doc 请先在 Word 中另存为 .docx）。")
        if upload.size > MAX_BYTES:
            raise ValidationError("文件超过10MB，请确认上传的是政策文件正文。")
        try:
            self.text = read_source(upload.name, upload.read())
            check_numbering(parse_policy(self.text))
        except PolicyImportError as exc:
            raise ValidationError(f"无法导入：{exc}") from exc
        return upload


def _require_power(user):
    if not may(user, "manage_rules"):
        raise PermissionDenied


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _render(request, template, context):
    return TemplateResponse(request, template, {"page_title": TITLE, "header_title": TITLE, **context})


def _opening(text: str, length: int = 24) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= length else text[:length] + "……"


def policy_import(request):
    _require_power(request.user)
    if request.method == "POST":
        form = PolicyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            request.session[SESSION_KEY] = {"name": form.cleaned_data["file"].name, "text": form.text}
            return redirect("home_policy_import_preview")
    else:
        form = PolicyUploadForm()
    return _render(request, "home/admin/policy_import.html", {"form": form})


def policy_import_preview(request):
    _require_power(request.user)
    stored = request.session.get(SESSION_KEY)
    if not stored:
        return redirect("home_policy_import")
    doc = parse_policy(stored["text"])  # read without error when it was stored
    page = PolicyPage.objects.filter(document_number=doc.document_number).first()
    chapters = [
        {
            "label": f"第{numeral(c['number'])}章",
            "title": c["title"],
            "articles": [
                {"label": cite_article(a["number"]), "opening": _opening(a["text"]), "items": len(a["items"])}
                for a in c["articles"]
            ],
        }
        for c in doc.chapters
    ]
    return _render(
        request,
        "home/admin/policy_import_preview.html",
        {
            "doc": doc,
            "source_name": stored["name"],
            "written_date": chinese_date(doc.written_date),
            "effective_until": chinese_date(doc.effective_until),
            "effective_from": chinese_date(doc.effective_from),
            "chapters": chapters,
            "article_count": len(doc.articles()),
            "page": page,
            "renumbered": numbering_change(page.chapters, doc.chapters) if page else "",
            "rule_set": RuleSet.objects.filter(document_number=doc.document_number).first(),
            "digest": _digest(stored["text"]),
        },
    )


@require_POST
def policy_import_confirm(request):
    _require_power(request.user)
    stored = request.session.get(SESSION_KEY)
    if not stored or request.POST.get("digest") != _digest(stored["text"]):
        messages.error(request, "预览已失效（可能已在其他窗口上传了别的文件），请重新上传。")
        return redirect("home_policy_import")
    try:
        doc = parse_policy(stored["text"])
        page, created = save_policy(doc, stored["name"], user=request.user, publish=False)
    except PolicyImportError as exc:
        messages.error(request, f"导入失败，未作任何改动：{exc}")
        return redirect("home_policy_import")
    del request.session[SESSION_KEY]
    done = "已新建政策文件页面" if created else "已更新政策文件页面"
    messages.success(
        request,
        f"{done}《{page.title}》（{page.document_number}）的草稿：{len(doc.chapters)}章，{len(doc.articles())}条。"
        "请核对正文和发布日期、施行日期等信息，确认无误后发布。",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
