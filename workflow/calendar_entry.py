"""Entering a year's official working-day calendar from the State Council's notice (SPEC §3).

The office pastes or uploads the notice, reviews what was read, and confirms: that saves the year with
its days, not yet enabled; the office enables it on the year's edit page once checked.
"""

import io
import zipfile

import docx
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from docx.opc.exceptions import PackageNotFoundError
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from . import holiday_notice, workdays
from .dates import EARLIEST, LATEST
from .models import OfficialCalendarDay, OfficialCalendarYear
from .powers import may

MAX_UPLOAD = 2 * 1024 * 1024
MAX_TEXT = 50_000


def read_upload(upload) -> str:
    """The text of an uploaded .txt or .docx notice."""
    name = upload.name.lower()
    if upload.size > MAX_UPLOAD:
        raise ValidationError("文件过大（上限2 MB）；通知全文只有一页，请核对所选文件。")
    data = upload.read()
    if name.endswith(".txt"):
        # Government sites still offer GBK text files.
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError("无法识别该文本文件的编码，请另存为 UTF-8 文本，或直接粘贴通知全文。")
    if name.endswith(".docx"):
        try:
            document = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
            raise ValidationError("无法读取该 Word 文件，请确认是 .docx 格式，或直接粘贴通知全文。") from None
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            lines += ["".join(cell.text for cell in row.cells) for row in table.rows]
        return "\n".join(lines)
    raise ValidationError("只能上传 .txt 或 .docx 文件；.doc、.pdf 请另存为 .docx，或直接粘贴通知全文。")


class NoticeForm(forms.Form):
    year = forms.IntegerField(
        label="年份",
        required=False,
        min_value=EARLIEST.year,
        max_value=LATEST.year,
        help_text="可留空：从通知标题“国务院办公厅关于××××年部分节假日安排的通知”读取。",
    )
    text = forms.CharField(
        label="通知全文",
        required=False,
        max_length=MAX_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="从中国政府网复制通知全文（含标题）粘贴到这里。",
    )
    upload = forms.FileField(label="或上传通知文件", required=False, help_text="纯文本（.txt）或 Word（.docx）文件。")
    is_demo = forms.BooleanField(
        label="演示（非官方）",
        required=False,
        help_text="仅当录入的是演示用的假设安排、不是国务院办公厅公布的安排时勾选。",
    )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        return read_upload(upload) if upload else ""

    def clean(self):
        data = super().clean()
        text, uploaded = (data.get("text") or "").strip(), data.get("upload") or ""
        if self.errors:
            return data
        if text and uploaded:
            raise ValidationError("请只粘贴通知全文或只上传文件，不要同时提供。")
        if not (text or uploaded):
            raise ValidationError("请粘贴通知全文或上传通知文件。")
        data["notice"] = text or uploaded.strip()
        try:
            self.schedule = holiday_notice.parse(data["notice"], data.get("year"))
        except holiday_notice.NoticeUnreadable as exc:
            raise ValidationError([*exc.problems, "未保存任何内容。"]) from None
        refusal = refusal_for(self.schedule.year)
        if refusal:
            raise ValidationError(refusal)
        return data


def refusal_for(year: int) -> str:
    """Why `year` may not be entered now, or ""."""
    if workdays.package_knows(year):
        return f"{year}年的官方安排系统已经内置（chinesecalendar），不需要录入，录入了也不会被采用。"
    if OfficialCalendarYear.objects.filter(year=year, published=True).exists():
        # An enabled year may be counting live publicity windows: replacing it must be a deliberate act.
        return (
            f"{year}年的日历已经启用，不能直接覆盖。如须按新的通知重新录入，请先在该年度的编辑页取消勾选"
            f"“已核对并启用”并保存（取消期间跨入{year}年的公示期无法计算），再回到这里录入。"
        )
    return ""


@transaction.atomic
def save_schedule(schedule: holiday_notice.Schedule, is_demo: bool, user) -> OfficialCalendarYear:
    """Store `schedule` as its year's calendar, not enabled. A year entered earlier but never enabled
    is replaced."""
    year = OfficialCalendarYear.objects.select_for_update().filter(year=schedule.year).first()
    if year is not None and year.published:
        raise ValidationError(refusal_for(schedule.year))
    action = "wagtail.edit" if year else "wagtail.create"
    if year is None:
        year = OfficialCalendarYear(year=schedule.year)
    year.source, year.is_demo, year.published = schedule.source, is_demo, False
    year.save()
    year.days.all().delete()
    OfficialCalendarDay.objects.bulk_create(
        OfficialCalendarDay(year=year, date=d.date, kind=d.kind, note=d.note) for d in schedule.days
    )
    log(instance=year, action=action, user=user)
    return year


class CalendarEntryView(WagtailAdminTemplateMixin, View):
    """按国务院通知录入: paste or upload → preview → confirm (saved not enabled) → the year's edit page."""

    template_name = "workflow/admin/calendar_entry.html"
    page_title = "按国务院通知录入"
    header_icon = "date"
    index_url_name = None
    edit_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not may(request.user, "manage_rules"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": OfficialCalendarYear._meta.verbose_name_plural},
            {"url": "", "label": self.page_title},
        ]

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=NoticeForm()))

    def post(self, request):
        action = request.POST.get("action", "preview")
        if action == "edit":
            # Back from the preview: the same text, in the form again.
            initial = {
                "year": request.POST.get("year"),
                "text": request.POST.get("text", ""),
                "is_demo": bool(request.POST.get("is_demo")),
            }
            return self.render_to_response(self.get_context_data(form=NoticeForm(initial=initial)))
        form = NoticeForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        schedule, is_demo = form.schedule, form.cleaned_data["is_demo"]
        if action != "confirm":
            return self.render_to_response(self.preview_context(form, schedule, is_demo))
        try:
            year = save_schedule(schedule, is_demo, request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            f"已录入{year.year}年日历：放假{len(schedule.holidays)}天、调休上班{len(schedule.workdays)}天，尚未启用。"
            "请逐条核对下列日期，无误后勾选“已核对并启用”并保存。",
        )
        return redirect(self.edit_url_name, year.pk)

    def preview_context(self, form, schedule, is_demo):
        replaced = OfficialCalendarYear.objects.filter(year=schedule.year).first()
        notes = list(schedule.warnings)
        if replaced is not None:
            notes.append(
                f"{schedule.year}年已有一份尚未启用的日历（{replaced.days.count()}个日期），确认后将被本次录入的内容替换。"
            )
        return self.get_context_data(
            form=form,
            schedule=schedule,
            notice=form.cleaned_data["notice"],
            is_demo=is_demo,
            warnings=notes,
        )
