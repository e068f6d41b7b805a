"""The entry page (SPEC §9): status, the moves this user may take and why others are blocked, the
checklist, the countdown, the records and the history; and taking a move."""

from collections import defaultdict

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from roster import paper, services
from roster.audit import PersonalDataAccess, record_access
from roster.files import evidence_items
from roster.forms import (
    ExpertScoreForm,
    InspectionForm,
    MoveForm,
    ObjectionForm,
    RecusalForm,
    RevocationEvidenceForm,
    TrackingEvaluationForm,
)
from roster.models import Entry
from workflow.errors import CalendarUnknown, TransitionRefused
from workflow.powers import may
from workflow.states import BADGE_COLOURS, Status, state_label
from workflow.transitions import TRANSITIONS

from .common import entry_for, entry_url, form_errors

S = Status


def entry_context(request, entry) -> dict:
    """Everything the entry page shows: badge, moves, checklist, countdown, records, history, diagram."""
    user = request.user
    show_numbers = may(user, "see_personal_numbers", entry)
    if show_numbers:
        record_access(request, PersonalDataAccess.Kind.VIEW, f"申报记录：{entry}", entry.person)
    moves = []
    for name, allowed, reason in services.available(entry, user):
        t = TRANSITIONS[name]
        moves.append(
            {
                "name": name,
                "label": t.label,
                "allowed": allowed,
                "reason": reason,
                "article": entry.round.rule_set.cite(t.article),
                "form": MoveForm(name, auto_id=f"id_{name}_%s") if allowed else None,
                "comment_required": t.comment_required,
                "consequence": t.consequence,
            }
        )
    # The positive next step first; moves that end or cancel the case last (stable within each group).
    moves.sort(key=lambda m: bool(m["consequence"]))
    try:
        window = entry.publicity_window()
        window_error = ""
    except CalendarUnknown as exc:
        window, window_error = None, str(exc)
    objections = list(entry.objections.all())
    return {
        "entry": entry,
        "badge_colour": BADGE_COLOURS.get(entry.status, "grey"),
        "moves": [m for m in moves if m["allowed"]],
        "blocked_moves": [m for m in moves if not m["allowed"]],
        "checklist": entry.checklist(),
        "window": window,
        "window_error": window_error,
        "history": [
            {"log": h, "from": state_label(h.data.get("from")), "to": state_label(h.data.get("to"))}
            for h in services.history(entry).select_related("user")
        ],
        "diagram": lifecycle_diagram(entry.status),
        "objections": objections,
        "can_handle_objections": may(user, "decide_objection", entry),
        "objection_form": ObjectionForm() if may(user, "add_objection", entry) else None,
        "scores": _scores(entry, user),
        "score_form": (score_form := ExpertScoreForm() if may(user, "score", entry) else None),
        # The expert scores with the application beside the sheet.
        "application": paper.application(entry, show_numbers) if score_form else None,
        "score_barred": _score_barred(entry, user),
        "recusals": entry.recusals.select_related("expert") if may(user, "see_scores", entry) else [],
        "recusal_form": RecusalForm() if _may_recuse(entry, user) else None,
        "inspection_form": InspectionForm() if may(user, "record_inspection", entry) else None,
        "show_numbers": show_numbers,
        "can_print_form": may(user, "print_application_form", entry),
        "can_print_certificate": may(user, "print_certificate", entry),
        "evidence": evidence_items(entry),
        "can_read_application": may(user, "read_application", entry),
        "evaluations": entry.evaluations.all() if entry.term_start else [],
        "evaluation_form": TrackingEvaluationForm() if may(user, "add_evaluation", entry) else None,
        "revocation_files": entry.revocation_files.all(),
        "revocation_form": RevocationEvidenceForm() if may(user, "add_revocation_files", entry) else None,
    }


def _scores(entry, user):
    """The office reads every expert's scores; an expert only its own (never another expert's, Art 9(4))."""
    scores = entry.expert_scores.select_related("expert")
    if may(user, "see_scores", entry):
        return scores
    return scores.filter(expert_id=user.pk) if entry.is_assigned_expert(user) else []


def _score_barred(entry, user) -> str:
    """Why an assigned expert may not score this entry, or ""."""
    if not may(user, "declare_recusal", entry) or may(user, "score", entry):
        return ""
    if entry.is_own_unit(user):
        return "本单位的申报须回避，您不能评审（第九条第四项）。"
    return "您已声明回避，不评审此申报（第九条第四项）。"


def _may_recuse(entry, user) -> bool:
    return (
        may(user, "declare_recusal", entry)
        and not entry.recusals.filter(expert_id=user.pk).exists()
        and not entry.expert_scores.filter(expert_id=user.pk).exists()
    )


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
    entry = entry_for(request, pk)
    if name not in TRANSITIONS:
        raise Http404
    t = TRANSITIONS[name]
    form = MoveForm(name, request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(entry_url(entry))
    comment, data = form.cleaned_data["comment"], form.data_for_perform()
    if t.dangerous and not form.cleaned_data["confirmed"]:
        # Without the page's dialog (no script): the same confirmation as a page, nothing changed yet,
        # and only for a move that would be taken.
        try:
            services.check(entry, name, request.user, comment=comment, **data)
        except TransitionRefused as exc:
            messages.error(request, f"未能办理“{t.label}”：{exc}")
            return redirect(entry_url(entry))
        return TemplateResponse(
            request,
            "roster/admin/move_confirm.html",
            {"entry": entry, "move": t, "form": form, "page_title": f"确认：{t.label}", "header_icon": "warning"},
        )
    try:
        services.perform(entry, name, request.user, comment=comment, **data)
    except TransitionRefused as exc:
        messages.error(request, f"未能办理“{t.label}”：{exc}")
    else:
        messages.success(
            request, f"{entry.person.name}的申报已办理“{t.label}”，现在的状态是“{entry.get_status_display()}”。"
        )
    return redirect(entry_url(entry))
