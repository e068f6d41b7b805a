"""What writes the security-event log: Django's login signals, and saves of accounts' groups and units,
rule sets and calendars (whoever makes them, through whichever view)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from workflow.models import OfficialCalendarYear, RuleSet

from .audit import SecurityEvent, record_event
from .models import StaffProfile

K = SecurityEvent.Kind


@receiver(user_logged_in)
def _login(sender, request, user, **kwargs):
    record_event(K.LOGIN, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record_event(K.LOGIN_FAILED, request=request, username=str(credentials.get("username", "")))


@receiver(user_logged_out)
def _logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(K.LOGOUT, request=request, username=user.get_username())


@receiver(m2m_changed, sender=get_user_model().groups.through)
def _roles_changed(sender, instance, action, pk_set, model, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or kwargs.get("reverse"):
        return
    names = "、".join(model.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    verb = {"post_add": "加入", "post_remove": "移出", "post_clear": "清空全部角色"}[action]
    record_event(K.ROLES, f"账号 {instance.get_username()} {verb}{('：' + names) if names else ''}")


# Rows loaded from a fixture or a backup (raw) are no one's change.
@receiver(pre_save, sender=StaffProfile)
def _unit_before(sender, instance, **kwargs):
    instance._unit_before = (
        StaffProfile.objects.filter(pk=instance.pk).values_list("unit_id", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=StaffProfile)
def _unit_changed(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if instance.unit_id != getattr(instance, "_unit_before", None):
        record_event(K.UNIT, f"账号 {instance.user.get_username()} 所属单位：{instance.unit or '无'}")


# Rule sets and calendars: one receiver. A year's days are edited with the year (one form), so the
# year's save stands for them.
WATCHED = {RuleSet: K.RULES, OfficialCalendarYear: K.CALENDAR}


@receiver(post_save, sender=RuleSet)
@receiver(post_delete, sender=RuleSet)
@receiver(post_save, sender=OfficialCalendarYear)
@receiver(post_delete, sender=OfficialCalendarYear)
def _rules_or_calendar_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    verb = "删除" if "created" not in kwargs else ("新增" if kwargs["created"] else "修改")
    record_event(WATCHED[sender], f"{verb}{sender._meta.verbose_name}：{instance}")
