"""Review pages: a round's expert review ranking, and each article with the rules that cite it."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from roster.permissions import visible_rounds
from workflow import articles
from workflow.models import RuleSet
from workflow.powers import may
from workflow.states import QUOTA_STATES, Status
from workflow.transitions import TRANSITIONS

S = Status


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
    rule_sets = list(RuleSet.objects.all())
    chosen = next(
        (r for r in rule_sets if str(r.pk) == request.GET.get("rule_set")), rule_sets[0] if rule_sets else None
    )
    cite = chosen.cite if chosen else str
    by_article = defaultdict(lambda: {"guards": [], "transitions": []})
    for t in TRANSITIONS.values():
        for g in t.guards:
            by_article[cite(g.article)]["guards"].append(
                {"name": g.__name__, "doc": (g.__doc__ or "").strip(), "transition": t.label}
            )
        by_article[cite(t.article)]["transitions"].append({"name": t.name, "label": t.label})
    ordered = sorted(by_article.items(), key=lambda kv: articles.sort_key(kv[0]))
    return TemplateResponse(
        request,
        "roster/admin/traceability.html",
        {"articles": ordered, "rule_sets": rule_sets, "chosen": chosen, "page_title": "条款与规则对照"},
    )
