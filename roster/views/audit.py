"""The office reads the personal-data access log and the security-event log: filter, page, never change."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from roster.audit import PersonalDataAccess, SecurityEvent
from workflow.powers import may

PER_PAGE = 50
LOGS = {
    "access": (
        PersonalDataAccess,
        "个人信息访问记录",
        "谁在何时、从哪个地址查看了完整身份证号或电话，或下载了含个人信息的文件。",
    ),
    "security": (
        SecurityEvent,
        "安全事件记录",
        "登录、登录失败、双因素认证重置、账号角色与单位变更、规则集与工作日历变更。",
    ),
}


def _day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def audit_log(request, log: str):
    if not may(request.user, "view_audit_log"):
        raise PermissionDenied
    model, title, intro = LOGS[log]
    rows = model.objects.all()
    kind, who = request.GET.get("kind", ""), request.GET.get("user", "").strip()[:150]
    since, until = _day(request.GET.get("since", "")), _day(request.GET.get("until", ""))
    if kind in model.Kind.values:
        rows = rows.filter(kind=kind)
    if who:
        rows = rows.filter(username__icontains=who)
    if since:
        rows = rows.filter(at__date__gte=since)
    if until:
        rows = rows.filter(at__date__lte=until)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "roster/admin/audit_log.html",
        {
            "page_title": title,
            "intro": intro,
            "log": log,
            "page": page,
            "kinds": model.Kind.choices,
            "filters": {"kind": kind, "user": who, "since": since, "until": until},
            "query": query.urlencode(),
            "is_access": model is PersonalDataAccess,
        },
    )
