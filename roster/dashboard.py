"""Dashboard panels of the Wagtail home page: what waits for this user, windows ending, objections,
terms ending and allowance runs due (SPEC §9). Queues derive from the role table of workflow.roles."""

import datetime

from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from workflow import roles, workdays
from workflow.errors import CalendarUnknown
from workflow.powers import may
from workflow.states import Status
from workflow.transitions import TRANSITIONS

from .models import AllowanceRun, Entry, Objection, Round, unit_id_of
from .permissions import visible_entries
from .views.batch import batch_moves_for, batch_url
from .views.rounds import countdown

S = Status
TERM_WARNING_DAYS = 90
WINDOW_WARNING_WORKDAYS = 3


def queue_states(user) -> list[str]:
    """States from which this user's roles take some move that is a task (workflow.transitions)."""
    mine = roles.user_roles(user)
    states = set()
    for t in TRANSITIONS.values():
        if not t.task:
            continue
        for source in t.source:
            if user.is_superuser or set(t.roles_from(source)) & mine:
                states.add(source)
    # Not a queue: entries waiting only for time or for a revocation proposal.
    states -= {S.ACTIVE, S.BENEFITS_STOPPED, S.TERM_PASSED}
    return [s for s, _ in S.choices if s in states]


def waiting_for(user) -> list[dict]:
    entries = visible_entries(user)
    if roles.EXPERT in roles.user_roles(user) and not may(user, "see_all_rows"):
        pending = entries.filter(status=S.QUALIFIED).exclude(expert_scores__expert=user)
        due = (
            Round.objects.filter(entries__in=pending, review_deadline__isnull=False)
            .order_by("review_deadline")
            .values_list("review_deadline", flat=True)
            .first()
        )
        note = f"评审截止：{countdown(due, timezone.localdate())}" if due else ""
        return [{"label": "待我评审", "count": pending.count(), "url": _list_url(S.QUALIFIED), "note": note}]
    rows = []
    states = queue_states(user)
    counts = dict(
        entries.filter(status__in=states)
        .values_list("status")
        .order_by("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    for state in states:
        count = counts.get(state, 0)
        if count:
            batches = [{"label": t.label, "url": batch_url(t.name)} for t in batch_moves_for(user, state)]
            rows.append({"label": S(state).label, "count": count, "url": _list_url(state), "batches": batches})
    return rows


def _list_url(state: str) -> str:
    return f"{reverse('wagtailsnippets_roster_entry:list')}?status={state}"


def windows_ending(user) -> list[dict]:
    rows = []
    for entry in (
        visible_entries(user)
        .filter(status__in=[S.UNIT_PUBLICITY, S.DISTRICT_PUBLICITY])
        .select_related("person", "round__rule_set")
    ):
        try:
            window = entry.publicity_window()
        except CalendarUnknown as exc:
            rows.append({"entry": entry, "label": "公示", "note": str(exc)})
            continue
        if window is None:
            continue
        label, w = window
        # Only windows still open: an ended one is in the queue of the move that follows it.
        if w["state"] == "open" and w["days_left"] is not None and w["days_left"] <= WINDOW_WARNING_WORKDAYS:
            note = f"还剩{w['days_left']}个工作日（至{w['end']:%Y-%m-%d}）"
            if w.get("demo_calendar"):
                note += "，按演示（非官方）节假日安排计算"
            rows.append({"entry": entry, "label": label, "note": note})
    return rows


def terms_ending(user) -> list[Entry]:
    today = timezone.localdate()
    return list(
        visible_entries(user)
        .filter(
            status__in=[S.ACTIVE, S.BENEFITS_STOPPED], term_end__lte=today + datetime.timedelta(days=TERM_WARNING_DAYS)
        )
        .select_related("person")
        .order_by("term_end")
    )


def allowance_due(user) -> list[dict]:
    """Allowance work for the office (Art 10): last year's run not yet approved, and every run computed
    and waiting for a second office user, named to the one who may approve it."""
    if not may(user, "compute_allowance"):
        return []
    items = []
    last_year = timezone.localdate().year - 1
    drafts = AllowanceRun.objects.filter(state=AllowanceRun.State.DRAFT).order_by("year")
    for run in drafts:
        url = reverse("roster_allowance_run", args=(run.year,))
        if run.computed_by_id == user.pk or not may(user, "approve_allowance"):
            text = f"{run.year}年度津贴已计算，待另一名工作人员审核批准"
        else:
            text = f"{run.year}年度津贴已由{run.computed_by_name or '办公室'}计算，待您审核批准"
        items.append({"text": text, "url": url})
    if (
        Entry.objects.filter(announcement_date__year__lt=last_year + 1).exists()
        and not AllowanceRun.objects.filter(year=last_year).exists()
    ):
        items.append(
            {
                "text": f"{last_year}年度津贴尚未批准发放，请先计算（第十条：每年集中发放一次）",
                "url": reverse("roster_allowance_runs"),
            }
        )
    return items


def deadlines(user) -> list[dict]:
    """Each open round's application deadline, and submissions after it waiting for the office (SPEC §4)."""
    today = timezone.localdate()
    rows = []
    for round_ in Round.objects.filter(application_deadline__gte=today - datetime.timedelta(days=60)).order_by("-year"):
        if round_.call_page() is None:
            continue
        left = (round_.application_deadline - today).days
        state = "已截止" if left < 0 else ("今天截止" if left == 0 else f"还剩{left}天")
        late = visible_entries(user).filter(
            round=round_, status=S.SUBMITTED, submitted_at__date__gt=F("round__application_deadline")
        )
        rows.append({"round": round_, "state": state, "late": late.count()})
    return rows


def calendar_missing(user) -> str:
    """From 1 November: next year's official holiday schedule is missing (SPEC §3; the office enters it)."""
    if not may(user, "manage_rules"):
        return ""
    year = workdays.missing_next_year(timezone.localdate())
    if year is None:
        return ""
    if year in workdays.demo_years():
        return (
            f"{year}年的工作日目前按演示（非官方）安排计算：国务院办公厅公布{year}年节假日安排后，"
            "请在“工作日历”中按通知录入，核对后启用。"
        )
    return f"尚未录入{year}年官方节假日和调休安排：跨入{year}年的公示期将无法计算，请在“工作日历”中录入并启用。"


def missing_unit(user) -> str:
    """A 推荐单位经办人 whose account has no unit yet sees nothing to act on: say why and who fixes it."""
    if roles.RECOMMENDER in roles.user_roles(user) and unit_id_of(user) is None:
        return (
            "您的账号尚未设置所属推荐单位，因此看不到也不能录入任何申报。"
            "请联系区选拔管理工作办公室，在“用户与角色”中为您的账号选择所属推荐单位。"
        )
    return ""


class RosterPanel(Component):
    name = "roster_dashboard"
    order = 50
    template_name = "roster/admin/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        user = self.request.user
        objections = Objection.objects.filter(status=Objection.State.OPEN, entry__in=visible_entries(user))
        return {
            "missing_unit": missing_unit(user),
            "waiting": waiting_for(user),
            "windows": windows_ending(user),
            "objections": objections.select_related("entry__person")[:20],
            "objection_count": objections.count(),
            "can_handle_objections": may(user, "decide_objection"),
            "terms": terms_ending(user),
            "allowance_due": allowance_due(user),
            "calendar_missing": calendar_missing(user),
            "deadlines": deadlines(user),
            "entry_list": reverse("wagtailsnippets_roster_entry:list"),
        }
