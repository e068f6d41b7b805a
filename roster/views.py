"""Staff views in the Wagtail admin: moves, records added along the way, private files, review, traceability."""

import mimetypes
from collections import defaultdict
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from workflow import articles
from workflow.errors import CalendarUnknown, TransitionRefused
from workflow.powers import may
from workflow.states import BADGE_COLOURS, QUOTA_STATES, Status
from workflow.transitions import TRANSITIONS

from . import allowance, exports, paper, services, statistics
from .forms import (
    ExpertScoreForm,
    InspectionForm,
    MoveForm,
    ObjectionDecisionForm,
    ObjectionForm,
    RevocationEvidenceForm,
    TrackingEvaluationForm,
)
from .models import AllowanceRun, Entry, EvidenceFile, Objection, RevocationEvidence, TrackingEvaluation
from .permissions import visible_entries, visible_rounds

S = Status


def entry_url(entry) -> str:
    from django.urls import reverse

    return reverse("wagtailsnippets_roster_entry:inspect", args=(entry.pk,))


def _entry_for(request, pk) -> Entry:
    entry = visible_entries(request.user, Entry.objects.select_related("round__rule_set", "person", "unit")).filter(
        pk=pk
    )
    entry = entry.first()
    if entry is None:
        raise Http404("没有这条记录，或您无权查看。")
    return entry


def entry_context(request, entry) -> dict:
    """Everything the entry page shows: badge, moves, checklist, countdown, records, history, diagram."""
    user = request.user
    moves = []
    for name, allowed, reason in services.available(entry, user):
        t = TRANSITIONS[name]
        moves.append(
            {
                "name": name,
                "label": t.label,
                "allowed": allowed,
                "reason": reason,
                "article": t.article,
                "form": MoveForm(name, auto_id=f"id_{name}_%s") if allowed else None,
                "comment_required": t.comment_required,
            }
        )
    try:
        window = entry.publicity_window()
        window_error = ""
    except CalendarUnknown as exc:
        window, window_error = None, str(exc)
    objections = list(entry.objections.all())
    if may(user, "decide_objection", entry):
        for o in objections:
            if o.status == Objection.State.OPEN:
                o.decision_form = ObjectionDecisionForm(auto_id=f"id_decide_{o.pk}_%s")
    return {
        "entry": entry,
        "badge_colour": BADGE_COLOURS.get(entry.status, "grey"),
        "moves": [m for m in moves if m["allowed"]],
        "blocked_moves": [m for m in moves if not m["allowed"]],
        "checklist": entry.checklist(),
        "window": window,
        "window_error": window_error,
        "history": services.history(entry).select_related("user"),
        "diagram": lifecycle_diagram(entry.status),
        "objections": objections,
        "objection_form": ObjectionForm() if may(user, "add_objection", entry) else None,
        "scores": entry.expert_scores.select_related("expert") if may(user, "see_scores", entry) else [],
        "score_form": ExpertScoreForm() if may(user, "score", entry) else None,
        "inspection_form": InspectionForm() if may(user, "record_inspection", entry) else None,
        "show_numbers": may(user, "see_personal_numbers", entry),
        "can_print_form": may(user, "print_application_form", entry),
        "can_print_certificate": may(user, "print_certificate", entry),
        "evidence": entry.evidence_files.all(),
        "evaluations": entry.evaluations.all() if entry.term_start else [],
        "evaluation_form": TrackingEvaluationForm() if may(user, "add_evaluation", entry) else None,
        "revocation_files": entry.revocation_files.all(),
        "revocation_form": RevocationEvidenceForm() if may(user, "add_revocation_files", entry) else None,
    }


def lifecycle_diagram(current: str) -> list[dict]:
    """The states in lifecycle order with their outgoing moves, drawn from the transitions themselves."""
    edges = defaultdict(list)
    for t in Entry._meta.get_field("status").get_all_transitions(Entry):
        target = t.target
        targets = getattr(target, "allowed_states", None) or [target]
        edges[t.source].append({"label": TRANSITIONS[t.name].label, "name": t.name, "targets": targets})
    labels = dict(S.choices)
    rows = []
    for value, label in S.choices:
        rows.append(
            {
                "state": value,
                "label": label,
                "current": value == current,
                "colour": BADGE_COLOURS.get(value, "grey"),
                "edges": [
                    {**e, "target_labels": "、".join(labels.get(x, x) for x in e["targets"])} for e in edges[value]
                ],
            }
        )
    return rows


@require_POST
def entry_move(request, pk, name):
    entry = _entry_for(request, pk)
    if name not in TRANSITIONS:
        raise Http404
    form = MoveForm(name, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(entry_url(entry))
    try:
        services.perform(entry, name, request.user, comment=form.cleaned_data["comment"], **form.data_for_perform())
    except TransitionRefused as exc:
        messages.error(request, f"未能{TRANSITIONS[name].label}：{exc}")
    else:
        messages.success(request, f"已{TRANSITIONS[name].label}，当前状态：{entry.get_status_display()}")
    return redirect(entry_url(entry))


@require_POST
def objection_add(request, pk):
    entry = _entry_for(request, pk)
    if not may(request.user, "add_objection", entry):
        raise PermissionDenied
    form = ObjectionForm(request.POST, request.FILES)
    if form.is_valid():
        objection = form.save(commit=False)
        objection.entry = entry
        objection.window = "district" if entry.status == S.DISTRICT_PUBLICITY else "unit"
        objection.save()
        messages.success(request, f"已登记异议，受理编号 {objection.reference}")
    else:
        _form_errors(request, form)
    return redirect(entry_url(entry))


@require_POST
def objection_decide(request, pk, objection_pk):
    entry = _entry_for(request, pk)
    if not may(request.user, "decide_objection", entry):
        raise PermissionDenied
    objection = get_object_or_404(Objection, pk=objection_pk, entry=entry)
    form = ObjectionDecisionForm(request.POST)
    if objection.status != Objection.State.OPEN:
        messages.error(request, "该异议已处理，不能再次处理。")
    elif form.is_valid():
        objection.status = form.cleaned_data["status"]
        objection.finding = form.cleaned_data["finding"]
        objection.decided_by = request.user
        objection.decided_at = timezone.now()
        objection.save()
        messages.success(request, f"异议 {objection.reference} 已处理：{objection.get_status_display()}")
    else:
        _form_errors(request, form)
    return redirect(entry_url(entry))


@require_POST
def score_add(request, pk):
    entry = _entry_for(request, pk)
    user = request.user
    if not entry.is_assigned_expert(user):
        raise PermissionDenied
    if not may(user, "score", entry):
        messages.error(request, "只能对资格审查通过的申报进行评审（第九条第四项）。")
        return redirect(entry_url(entry))
    existing = entry.expert_scores.filter(expert=user).first()
    form = ExpertScoreForm(request.POST, instance=existing)
    if form.is_valid():
        score = form.save(commit=False)
        score.entry, score.expert = entry, user
        score.save()
        messages.success(request, "评审意见已保存。")
    else:
        _form_errors(request, form)
    return redirect(entry_url(entry))


@require_POST
def inspection_record(request, pk):
    entry = _entry_for(request, pk)
    if not may(request.user, "record_inspection", entry):
        raise PermissionDenied
    form = InspectionForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            Entry.objects.filter(pk=entry.pk, status=S.INSPECTION).update(**form.cleaned_data)
        messages.success(request, "实地考察结果已记录。")
    else:
        _form_errors(request, form)
    return redirect(entry_url(entry))


def evidence_download(request, file_pk):
    """Evidence is private: served only to users who may see the entry."""
    evidence = get_object_or_404(EvidenceFile.objects.select_related("entry"), pk=file_pk)
    _entry_for(request, evidence.entry_id)
    return _private_file(evidence.file, f"证明材料-{evidence.pk}")


def round_review(request, pk):
    """Expert review results of a round: averages, ranking, preferred ages; shortlisting up to the quota."""
    round_ = get_object_or_404(visible_rounds(request.user), pk=pk)
    if not may(request.user, "view_round_review"):
        raise PermissionDenied
    entries = (
        round_.entries.filter(status__in=[S.QUALIFIED, S.SHORTLISTED, S.NOT_SELECTED])
        .select_related("person", "unit", "round__rule_set")
        .annotate(average=Avg("expert_scores__score"), reviews=Count("expert_scores"))
        .order_by("-average", "person__name")
    )
    rules = round_.rule_set
    rows = []
    for rank, entry in enumerate(entries, start=1):
        age = entry.age_on_call_date
        rows.append({"rank": rank, "entry": entry, "age": age, "preferred": age <= rules.preferred_age})
    taken = round_.entries.filter(status__in=QUOTA_STATES).count()
    return TemplateResponse(
        request,
        "roster/admin/round_review.html",
        {"round": round_, "rows": rows, "taken": taken, "page_title": f"{round_}专家评审结果"},
    )


def traceability(request):
    """Each article with the guards and transitions that cite it, read from the guards themselves."""
    if not may(request.user, "view_traceability"):
        raise PermissionDenied
    by_article = defaultdict(lambda: {"guards": [], "transitions": []})
    for t in TRANSITIONS.values():
        for g in t.guards:
            by_article[g.article]["guards"].append(
                {"name": g.__name__, "doc": (g.__doc__ or "").strip(), "transition": t.label}
            )
        by_article[t.article]["transitions"].append({"name": t.name, "label": t.label})
    ordered = sorted(by_article.items(), key=lambda kv: articles.sort_key(kv[0]))
    return TemplateResponse(
        request, "roster/admin/traceability.html", {"articles": ordered, "page_title": "条款与规则对照"}
    )


def _form_errors(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))


# --- management (Art 10, 11, 14, 15) ---


@require_POST
def evaluation_add(request, pk):
    entry = _entry_for(request, pk)
    if not may(request.user, "add_evaluation", entry):
        raise PermissionDenied
    form = TrackingEvaluationForm(request.POST, instance=TrackingEvaluation(entry=entry, evaluated_by=request.user))
    if form.is_valid():
        form.save()
        messages.success(request, f"{form.instance.year}年度跟踪评估已记录：{form.instance.get_result_display()}")
    else:
        _form_errors(request, form)
    return redirect(entry_url(entry))


@require_POST
def revocation_evidence_add(request, pk):
    entry = _entry_for(request, pk)
    if not may(request.user, "add_revocation_files", entry):
        raise PermissionDenied
    form = RevocationEvidenceForm(request.POST, request.FILES, instance=RevocationEvidence(entry=entry))
    if form.is_valid():
        form.save()
        messages.success(request, "取消资格证明材料已上传。")
    else:
        _form_errors(request, form)
    return redirect(entry_url(entry))


def revocation_evidence_download(request, file_pk):
    evidence = get_object_or_404(RevocationEvidence, pk=file_pk)
    _entry_for(request, evidence.entry_id)
    return _private_file(evidence.file, f"取消资格材料-{evidence.pk}")


def _private_file(field_file, stem):
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    ext = field_file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        field_file.open("rb"), content_type=content_type, as_attachment=True, filename=f"{stem}.{ext}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def talent_pool_export(request):
    """Art 11: the roster as .xlsx; personal numbers only for the office."""
    user = request.user
    if not may(user, "export_roster"):
        raise PermissionDenied
    content = exports.talent_pool(visible_entries(user), with_numbers=may(user, "see_personal_numbers"))
    return _xlsx(content, f"市中首席技师名册-{timezone.localdate():%Y%m%d}.xlsx")


def round_export(request, pk):
    round_ = get_object_or_404(visible_rounds(request.user), pk=pk)
    user = request.user
    if not may(user, "export_roster"):
        raise PermissionDenied
    content = exports.round_candidates(round_, visible_entries(user), with_numbers=may(user, "see_personal_numbers"))
    return _xlsx(content, f"{round_.year}年度候选人.xlsx")


def _allowance_access(user, power):
    if not may(user, power):
        raise PermissionDenied


def allowance_runs(request):
    _allowance_access(request.user, "view_allowance")
    runs = AllowanceRun.objects.annotate(total=Sum("lines__amount"), people=Count("lines__entry", distinct=True))
    can_compute = may(request.user, "compute_allowance")
    return TemplateResponse(
        request,
        "roster/admin/allowance_runs.html",
        {
            "runs": runs,
            "can_compute": can_compute,
            "next_year": timezone.localdate().year,
            "page_title": "津贴发放",
        },
    )


def allowance_run_detail(request, year):
    _allowance_access(request.user, "view_allowance")
    run = get_object_or_404(AllowanceRun, year=year)
    lines = run.lines.select_related("entry__person", "entry__unit", "entry__round")
    return TemplateResponse(
        request,
        "roster/admin/allowance_run.html",
        {
            "run": run,
            "lines": lines,
            "total": run.total(),
            "can_compute": not run.approved and may(request.user, "compute_allowance"),
            "can_approve": not run.approved and may(request.user, "approve_allowance"),
            "page_title": str(run),
        },
    )


@require_POST
def allowance_compute(request):
    _allowance_access(request.user, "compute_allowance")
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, "请填写正确的年度。")
        return redirect("roster_allowance_runs")
    if not 2020 <= year <= timezone.localdate().year:
        messages.error(request, f"年度须在2020年至{timezone.localdate().year}年之间。")
        return redirect("roster_allowance_runs")
    try:
        run = allowance.compute_run(year, request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("roster_allowance_runs")
    messages.success(request, f"已计算{year}年度津贴：{run.lines.count()}条明细，合计{run.total()}元。")
    return redirect("roster_allowance_run", year=year)


@require_POST
def allowance_approve(request, year):
    _allowance_access(request.user, "approve_allowance")
    run = get_object_or_404(AllowanceRun, year=year)
    try:
        allowance.approve_run(run, request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{year}年度津贴发放已批准，此后不能修改。")
    return redirect("roster_allowance_run", year=year)


def allowance_download(request, year):
    _allowance_access(request.user, "download_allowance")
    run = get_object_or_404(AllowanceRun, year=year)
    return _xlsx(allowance.run_workbook(run), f"市中首席技师{year}年度津贴发放表.xlsx")


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
        return _xlsx(
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


def _docx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=paper.DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def application_form_download(request, pk):
    entry = _entry_for(request, pk)
    if not may(request.user, "print_application_form", entry):
        raise PermissionDenied
    return _docx(paper.application_form(entry), f"申报表-{entry.person.name}-{entry.round.year}.docx")


def certificate_download(request, pk):
    entry = _entry_for(request, pk)
    if not may(request.user, "print_certificate", entry):
        raise PermissionDenied
    return _docx(paper.certificate(entry), f"证书-{entry.certificate_number}.docx")
