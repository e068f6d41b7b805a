"""Files staff download: private evidence, the filled 申报表 and the certificate (.docx), the exports
(.xlsx) and the statistics."""

import mimetypes
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from roster import exports, paper, statistics
from roster.audit import PersonalDataAccess, record_access
from roster.files import evidence_items, inline_type
from roster.models import EvidenceFile, RevocationEvidence
from roster.permissions import visible_entries, visible_rounds
from workflow.powers import may

from .common import entry_for


def evidence_download(request, file_pk):
    """Evidence is private: served only to users who may see the entry. `?inline=1` shows an image or a
    PDF in the entry page instead of downloading it."""
    evidence = get_object_or_404(EvidenceFile.objects.select_related("entry__person"), pk=file_pk)
    entry_for(request, evidence.entry_id)
    _downloaded(request, f"证明材料：{evidence.entry}（{evidence.pk}）", evidence.entry.person)
    return private_file(evidence.file, f"证明材料-{evidence.pk}", inline=request.GET.get("inline") == "1")


def revocation_evidence_download(request, file_pk):
    evidence = get_object_or_404(RevocationEvidence.objects.select_related("entry__person"), pk=file_pk)
    entry_for(request, evidence.entry_id)
    _downloaded(request, f"取消资格材料：{evidence.entry}（{evidence.pk}）", evidence.entry.person)
    return private_file(evidence.file, f"取消资格材料-{evidence.pk}")


def _downloaded(request, what: str, person=None):
    record_access(request, PersonalDataAccess.Kind.DOWNLOAD, what, person)


def private_file(field_file, stem, inline=False):
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    ext = field_file.name.rsplit(".", 1)[-1]
    inline = inline and bool(inline_type(field_file.name))
    response = FileResponse(
        field_file.open("rb"), content_type=content_type, as_attachment=not inline, filename=f"{stem}.{ext}"
    )
    response["Cache-Control"] = "private, no-store"
    if inline:
        # Shown in a frame of the entry page (images and PDF only; the site's CSP still applies).
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=paper.DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def talent_pool_export(request):
    """Art 11: the roster as .xlsx; personal numbers only for the office."""
    user = request.user
    if not may(user, "export_roster"):
        raise PermissionDenied
    with_numbers = may(user, "see_personal_numbers")
    content = exports.talent_pool(visible_entries(user), with_numbers=with_numbers)
    if with_numbers:
        _downloaded(request, "首席技师名册（含身份证号、电话）")
    return xlsx_response(content, f"市中首席技师名册-{timezone.localdate():%Y%m%d}.xlsx")


def round_export(request, pk):
    round_ = get_object_or_404(visible_rounds(request.user), pk=pk)
    user = request.user
    if not may(user, "export_roster"):
        raise PermissionDenied
    with_numbers = may(user, "see_personal_numbers")
    content = exports.round_candidates(round_, visible_entries(user), with_numbers=with_numbers)
    if with_numbers:
        _downloaded(request, f"{round_.year}年度候选人（含身份证号、电话）")
    return xlsx_response(content, f"{round_.year}年度候选人.xlsx")


def statistics_view(request):
    """Charts by industry, level, age band and batch; ?download=<dimension>&population=<key> gives .xlsx."""
    if not may(request.user, "view_statistics"):
        raise PermissionDenied
    entries = visible_entries(request.user)
    dimension = request.GET.get("download")
    if dimension:
        population = request.GET.get("population", "chief")
        if dimension not in statistics.DIMENSIONS or population not in statistics.POPULATIONS:
            raise Http404
        rows = statistics.table(population, dimension, entries)
        label = statistics.DIMENSIONS[dimension][0]
        return xlsx_response(
            statistics.workbook(population, dimension, rows),
            f"统计-{statistics.POPULATIONS[population][0]}-{label}.xlsx",
        )
    populations = []
    for key, (label, _) in statistics.POPULATIONS.items():
        charts = []
        for dim, (dim_label, _) in statistics.DIMENSIONS.items():
            charts.append(
                {"key": dim, "label": dim_label, "chart": statistics.chart(statistics.table(key, dim, entries))}
            )
        populations.append({"key": key, "label": label, "charts": charts})
    return TemplateResponse(
        request, "roster/admin/statistics.html", {"populations": populations, "page_title": "统计分析"}
    )


def application_page(request, pk):
    """The 申报表 as a page (and, with ?print=1, as an A4 sheet to print): the same content as the .docx,
    numbers masked unless the reader may see them."""
    entry = entry_for(request, pk)
    if not may(request.user, "read_application", entry):
        raise PermissionDenied
    show_numbers = may(request.user, "see_personal_numbers", entry)
    if show_numbers:
        record_access(request, PersonalDataAccess.Kind.VIEW, f"申报表：{entry}", entry.person)
    template = (
        "roster/admin/application_print.html"
        if request.GET.get("print") == "1"
        else "roster/admin/application_page.html"
    )
    return TemplateResponse(
        request,
        template,
        {
            "entry": entry,
            "form": paper.application(entry, show_numbers),
            "evidence": evidence_items(entry),
            "page_title": f"申报表：{entry.person.name}（{entry.round}）",
            "header_icon": "doc-full",
            "can_print_form": may(request.user, "print_application_form", entry),
        },
    )


def application_form_download(request, pk):
    entry = entry_for(request, pk)
    if not may(request.user, "print_application_form", entry):
        raise PermissionDenied
    _downloaded(request, f"申报表：{entry}", entry.person)
    return docx_response(paper.application_form(entry), f"申报表-{entry.person.name}-{entry.round.year}.docx")


def certificate_download(request, pk):
    entry = entry_for(request, pk)
    if not may(request.user, "print_certificate", entry):
        raise PermissionDenied
    _downloaded(request, f"证书：{entry}（{entry.certificate_number}）", entry.person)
    return docx_response(paper.certificate(entry), f"证书-{entry.certificate_number}.docx")
