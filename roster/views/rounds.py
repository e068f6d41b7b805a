"""The round overview (issue 15): where a round stands, its deadlines with their countdowns, the quota
used and left, the entries per state (each count opens the list filtered by it) and its notices."""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from roster.permissions import visible_entries, visible_rounds
from roster.views.batch import batch_moves_for, batch_url
from workflow.states import BADGE_COLOURS, QUOTA_STATES, Status

S = Status
# The stage a round is in: the first of these whose states still hold an entry of the round.
STAGES = [
    ("资格审查", (S.SUBMITTED, S.RETURNED)),
    ("专家评审", (S.QUALIFIED,)),
    ("区级公示", (S.SHORTLISTED, S.DISTRICT_PUBLICITY)),
    ("实地考察", (S.INSPECTION,)),
    ("研究审批", (S.LEADING_GROUP_REVIEW, S.GOVERNMENT_REVIEW)),
]


def countdown(day, today) -> str:
    if day is None:
        return "未设定"
    left = (day - today).days
    if left < 0:
        return f"已于{day:%Y-%m-%d}截止"
    return f"{day:%Y-%m-%d}，今天截止" if left == 0 else f"{day:%Y-%m-%d}，还剩{left}天"


def stage_of(round_, counts: dict, today) -> str:
    if round_.call_page() is None:
        return "筹备中：申报通知尚未发布"
    if today <= round_.application_deadline:
        return "申报中"
    for label, states in STAGES:
        if any(counts.get(s) for s in states):
            return label
    if any(counts.get(s) for s in QUOTA_STATES):
        return "名单已公布，管理期内"
    return "申报已截止，尚无上报的申报"


def round_overview(request, pk):
    round_ = get_object_or_404(visible_rounds(request.user), pk=pk)
    today = timezone.localdate()
    entries = visible_entries(request.user).filter(round=round_)
    counts = dict(entries.values_list("status").order_by("status").annotate(n=Count("pk")).values_list("status", "n"))
    entry_list = reverse("wagtailsnippets_roster_entry:list")
    states = [
        {
            "label": label,
            "count": counts[value],
            "url": f"{entry_list}?round={round_.pk}&status={value}",
            "colour": BADGE_COLOURS.get(value, "grey"),
            "batches": [
                {"label": t.label, "url": batch_url(t.name, round_.pk)} for t in batch_moves_for(request.user, value)
            ],
        }
        for value, label in S.choices
        if counts.get(value)
    ]
    taken = round_.entries.filter(status__in=QUOTA_STATES).count()
    # Drafts too, so the office reaches a 公示 it has to publish; each with its editor where the user may edit.
    notices = [
        {
            "kind": kind,
            "page": page,
            "edit_url": reverse("wagtailadmin_pages:edit", args=(page.pk,))
            if page.permissions_for_user(request.user).can_edit()
            else "",
        }
        for kind, pages in (
            ("申报通知", round_.call_pages),
            ("公示", round_.publicity_pages),
            ("结果公布", round_.results_pages),
        )
        for page in pages.order_by("path")
    ]
    return TemplateResponse(
        request,
        "roster/admin/round_overview.html",
        {
            "round": round_,
            "stage": stage_of(round_, counts, today),
            "deadlines": [
                ("申报截止", countdown(round_.application_deadline, today)),
                ("专家评审截止", countdown(round_.review_deadline, today)),
            ],
            "quota": round_.quota,
            "taken": taken,
            "left": max(round_.quota - taken, 0),
            "states": states,
            "total": sum(counts.values()),
            "entry_list": f"{entry_list}?round={round_.pk}",
            "notices": notices,
            "page_title": f"{round_}评选概况",
            "header_icon": "date",
        },
    )
