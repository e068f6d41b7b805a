"""Records staff add to an entry along the way (SPEC §6): objections, expert scores, the inspection,
tracking evaluations and revocation files; never by editing the application."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from roster.forms import (
    ExpertScoreForm,
    InspectionForm,
    ObjectionForm,
    RecusalForm,
    RevocationEvidenceForm,
    TrackingEvaluationForm,
)
from roster.models import Entry, ExpertRecusal, RevocationEvidence, TrackingEvaluation
from workflow.powers import may
from workflow.states import Status

from .common import entry_for, entry_url, form_errors

S = Status


@require_POST
def objection_add(request, pk):
    entry = entry_for(request, pk)
    if not may(request.user, "add_objection", entry):
        raise PermissionDenied
    form = ObjectionForm(request.POST, request.FILES)
    if form.is_valid():
        objection = form.save(commit=False)
        objection.entry = entry
        objection.window = "district" if entry.status == S.DISTRICT_PUBLICITY else "unit"
        code = objection.issue_lookup_code()
        objection.save()
        messages.success(
            request,
            f"已登记异议，受理编号 {objection.reference}，查询码 {code}。请告知反映人：凭这两项可在网站“异议处理查询”中查看处理结果（查询码只显示这一次）。",
        )
    else:
        form_errors(request, form)
    return redirect(entry_url(entry))


@require_POST
def score_add(request, pk):
    entry = entry_for(request, pk)
    user = request.user
    if not entry.is_assigned_expert(user):
        raise PermissionDenied
    if not may(user, "score", entry):
        barred = entry.is_own_unit(user) or entry.recusals.filter(expert_id=user.pk).exists()
        messages.error(
            request,
            "本单位的申报或已声明回避的申报，您不能评审（第九条第四项）。"
            if barred
            else "只能对资格审查通过的申报进行评审（第九条第四项）。",
        )
        return redirect(entry_url(entry))
    existing = entry.expert_scores.filter(expert=user).first()
    form = ExpertScoreForm(request.POST, instance=existing)
    if form.is_valid():
        score = form.save(commit=False)
        score.entry, score.expert = entry, user
        score.save()
        messages.success(request, "评审意见已保存。")
    else:
        form_errors(request, form)
    return redirect(entry_url(entry))


@require_POST
def recusal_add(request, pk):
    """An assigned expert declares 回避 for one entry, before scoring it; it then never scores it."""
    entry = entry_for(request, pk)
    user = request.user
    if not may(user, "declare_recusal", entry):
        raise PermissionDenied
    if entry.expert_scores.filter(expert_id=user.pk).exists():
        messages.error(request, "您已提交评审意见，如需回避，请联系区选拔管理工作办公室。")
        return redirect(entry_url(entry))
    form = RecusalForm(request.POST)
    if form.is_valid():
        ExpertRecusal.objects.get_or_create(entry=entry, expert=user, defaults=form.cleaned_data)
        messages.success(request, "已声明回避，您不再评审此申报。")
    else:
        form_errors(request, form)
    return redirect(entry_url(entry))


@require_POST
def inspection_record(request, pk):
    entry = entry_for(request, pk)
    if not may(request.user, "record_inspection", entry):
        raise PermissionDenied
    form = InspectionForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            Entry.objects.filter(pk=entry.pk, status=S.INSPECTION).update(**form.cleaned_data)
        messages.success(request, "实地考察结果已记录。")
    else:
        form_errors(request, form)
    return redirect(entry_url(entry))


@require_POST
def evaluation_add(request, pk):
    entry = entry_for(request, pk)
    if not may(request.user, "add_evaluation", entry):
        raise PermissionDenied
    form = TrackingEvaluationForm(request.POST, instance=TrackingEvaluation(entry=entry, evaluated_by=request.user))
    if form.is_valid():
        form.save()
        messages.success(request, f"{form.instance.year}年度跟踪评估已记录：{form.instance.get_result_display()}")
    else:
        form_errors(request, form)
    return redirect(entry_url(entry))


@require_POST
def revocation_evidence_add(request, pk):
    entry = entry_for(request, pk)
    if not may(request.user, "add_revocation_files", entry):
        raise PermissionDenied
    form = RevocationEvidenceForm(request.POST, request.FILES, instance=RevocationEvidence(entry=entry))
    if form.is_valid():
        form.save()
        messages.success(request, "取消资格证明材料已上传。")
    else:
        form_errors(request, form)
    return redirect(entry_url(entry))
