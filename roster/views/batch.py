"""Batch work (issue 15): one move for several selected entries, e.g. the office passing qualification
review, or the leading group approving a list at one meeting with its 会议纪要号. Each entry still goes
through `services.perform` with its own guards, in a transaction of its own; the page reports, entry by
entry, what moved and what was refused and why."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse

from roster import notify, services
from roster.forms import BatchMoveForm
from roster.permissions import visible_entries, visible_rounds
from workflow.errors import TransitionRefused
from workflow.transitions import TRANSITIONS, may_take


def batch_moves_for(user, state: str) -> list:
    """The batch moves `user` may take from `state` (dashboard and list links)."""
    return [t for t in TRANSITIONS.values() if t.batch and state in t.source and may_take(user, t.name, state, False)]


def batch_url(name: str, round_id=None) -> str:
    url = reverse("roster_batch", args=(name,))
    return f"{url}?round={round_id}" if round_id else url


def batch_move(request, name):
    t = TRANSITIONS.get(name)
    if t is None or not t.batch:
        raise Http404("没有这项批量办理。")
    user = request.user
    if not any(may_take(user, name, source, False) for source in t.source):
        raise PermissionDenied
    rounds = visible_rounds(user).order_by("-year")
    round_id = request.GET.get("round") or request.POST.get("round") or ""
    candidates = visible_entries(user).filter(status__in=t.source).select_related("person", "unit", "round__rule_set")
    if round_id.isdigit():
        candidates = candidates.filter(round_id=int(round_id))
    else:
        round_id = ""
    candidates = candidates.order_by("round__year", "unit__name", "person__name")
    results = None
    if request.method == "POST":
        form = BatchMoveForm(name, request.POST, entries=candidates, label_suffix="：")
        if form.is_valid():
            results = _perform_each(form, name, user)
            form = BatchMoveForm(name, entries=candidates.filter(status__in=t.source), label_suffix="：")
    else:
        form = BatchMoveForm(name, entries=candidates, label_suffix="：")
    rows = []
    for entry in form.fields["entries"].queryset:
        refusal = t.first_refusal(entry, include_submit=False)
        rows.append(
            {"entry": entry, "reason": str(services.refused(entry, refusal.reason, refusal.article)) if refusal else ""}
        )
    return TemplateResponse(
        request,
        "roster/admin/batch.html",
        {
            "move": t,
            "article": t.article,
            "form": form,
            "rows": rows,
            "results": results,
            "rounds": rounds,
            "round_id": round_id,
            "page_title": f"批量办理：{t.label}",
            "header_icon": "tasks",
        },
        status=400 if request.method == "POST" and results is None else 200,
    )


def _perform_each(form, name, user) -> list[dict]:
    comment, data = form.cleaned_data["comment"], form.data_for_perform()
    results = []
    # Each user hears of the batch once, not once per entry.
    with notify.batched(TRANSITIONS[name].label):
        for entry in form.cleaned_data["entries"]:
            try:
                services.perform(entry, name, user, comment=comment, **data)
            except TransitionRefused as exc:
                results.append({"entry": entry, "done": False, "text": f"未办理：{exc}"})
            else:
                results.append(
                    {"entry": entry, "done": True, "text": f"已办理，现在的状态是“{entry.get_status_display()}”。"}
                )
    return results
