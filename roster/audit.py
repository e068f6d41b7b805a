"""Two logs the office reads and nobody edits or deletes through the admin (等保 2.0 level 2; kept at
least 6 months, 网络安全法 第二十一条; the portal never deletes them):
- who saw a full ID number or phone, or downloaded a file holding personal data, when and from where;
- security events: logins, failed logins, second-factor resets, changes of an account's roles or unit,
  changes of rule sets and working-day calendars.
"""

import contextlib
import contextvars

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

_request = contextvars.ContextVar("audited_request", default=None)
_suspended = contextvars.ContextVar("audit_suspended", default=False)


@contextlib.contextmanager
def suspended():
    """While a backup is restored its own log rows come back; the rows it loads are no new events."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


class CurrentRequest:
    """Lets signal receivers name the acting user and the client address of the request being served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def _who(request=None):
    request = request or _request.get()
    user = getattr(request, "user", None) if request is not None else None
    # Set by portal.clientip.ClientAddressMiddleware (the proxy-aware address).
    client = getattr(request, "client_ip", None) or (request.META.get("REMOTE_ADDR", "-") if request else "-")
    if user is not None and getattr(user, "is_authenticated", False):
        return user, user.get_username(), client
    return None, "", client


class AppendOnly(models.Model):
    at = models.DateTimeField("时间", default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    client = models.CharField("客户端地址", max_length=45, blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]
        default_permissions = ()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("审计记录只能新增，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("审计记录不能删除。")


class PersonalDataAccess(AppendOnly):
    class Kind(models.TextChoices):
        VIEW = "view", "查看完整号码"
        DOWNLOAD = "download", "下载文件"

    kind = models.CharField("方式", max_length=10, choices=Kind.choices)
    what = models.CharField("内容", max_length=200)
    person = models.ForeignKey(
        "roster.Person", verbose_name="涉及人员", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(AppendOnly.Meta):
        verbose_name = verbose_name_plural = "个人信息访问记录"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()} {self.what}"


class SecurityEvent(AppendOnly):
    class Kind(models.TextChoices):
        LOGIN = "login", "登录成功"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出登录"
        SECOND_FACTOR_RESET = "otp_reset", "重置双因素认证"
        ROLES = "roles", "账号角色变更"
        UNIT = "unit", "账号所属单位变更"
        RULES = "rules", "规则集变更"
        CALENDAR = "calendar", "工作日历变更"

    kind = models.CharField("事件", max_length=20, choices=Kind.choices)
    detail = models.CharField("说明", max_length=300, blank=True)

    class Meta(AppendOnly.Meta):
        verbose_name = verbose_name_plural = "安全事件记录"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()} {self.detail}"


def record_access(request, kind: str, what: str, person=None) -> PersonalDataAccess:
    user, username, client = _who(request)
    return PersonalDataAccess.objects.create(
        user=user, username=username, client=client, kind=kind, what=what[:200], person=person
    )


def record_event(kind: str, detail: str = "", *, request=None, username: str = "") -> SecurityEvent | None:
    if _suspended.get():
        return None
    user, actor, client = _who(request)
    return SecurityEvent.objects.create(
        user=user, username=(username or actor)[:150], client=client, kind=kind, detail=detail[:300]
    )
