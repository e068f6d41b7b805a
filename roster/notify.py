"""Who learns what (issue 13): each event of the portal becomes a message in the inbox of exactly the
users concerned, and goes out by mail, SMS or the daily digest as each of them chose.

Messages are written in the transaction of the change that causes them, so a move that rolls back
tells no one; mail and SMS leave only through background tasks after the commit (roster.mail,
roster.sms). No message carries a personal number: names, units, rounds and links only.
"""

import contextlib
import re
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.urls import reverse

from workflow import roles
from workflow.transitions import TRANSITIONS

from . import sms
from .admin_forms import real_name
from .inbox import Delivery, Event, Notification, NotificationPreference
from .models import SYSTEM_USERNAME, Entry, Objection, Round
from .permissions import visible_entries

SUBJECT_PREFIX = "【市中首席技师】"
# Digits long enough to be an ID, phone or account number are hidden in free text quoted in a message.
LONG_NUMBER = re.compile(r"\d[\d\s-]{5,}\d[\dXx]?")

# Which roles may receive each kind of message: the preference page offers these, nothing else.
AUDIENCE = {
    Event.ENTRY_MOVED: (roles.RECOMMENDER,),
    Event.SUBMITTED: (roles.OFFICE,),
    Event.OBJECTION: (roles.OFFICE, roles.RECOMMENDER),
    Event.REVOCATION: (roles.OFFICE,),
    Event.LIST_SUBMITTED: (roles.LEADING_GROUP,),
    Event.LIST_APPROVED: (roles.OFFICE,),
    Event.EXPERT_ASSIGNED: (roles.EXPERT,),
    Event.REVIEW_DUE: (roles.EXPERT,),
    Event.ALLOWANCE_COMPUTED: (roles.OFFICE,),
    Event.ALLOWANCE_APPROVED: (roles.FINANCE, roles.OFFICE),
    Event.WINDOW_ENDING: (roles.OFFICE, roles.RECOMMENDER),
    Event.TERM_ENDING: (roles.OFFICE,),
    Event.CALENDAR_MISSING: (roles.OFFICE,),
}


def redact(text: str) -> str:
    return LONG_NUMBER.sub("（号码已隐去）", text or "")


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path if path.startswith("/") else path


def events_for(user) -> list[Event]:
    mine = roles.user_roles(user)
    return [event for event, audience in AUDIENCE.items() if user.is_superuser or set(audience) & mine]


def delivery_of(user, event: str) -> str:
    chosen = NotificationPreference.objects.filter(user=user, event=event).values_list("delivery", flat=True).first()
    return chosen or Delivery.MAIL


def members(*role_names: str):
    # The daily job acts as an office account that nobody reads for.
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=role_names)
        .exclude(username=SYSTEM_USERNAME)
        .distinct()
    )


_state = threading.local()


@contextlib.contextmanager
def quietly(inbox: bool = False):
    """Nobody is mailed: the demo replays years of history that no one needs telling (inbox=False: no
    message at all), then fills the inboxes with what is due today (inbox=True: messages, no mail)."""
    before = getattr(_state, "quiet", None)
    _state.quiet = "inbox" if inbox else "silent"
    try:
        yield
    finally:
        _state.quiet = before


def tell(users, event: str, title: str, body: str, path: str = "", key: str = "") -> list[Notification]:
    """One message per user (the actor and inactive accounts excluded by the callers' querysets).
    With a `key`, a user who already has the message with that key is not told again."""
    quiet = getattr(_state, "quiet", None)
    if quiet == "silent":
        return []
    sent = []
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        delivery = Delivery.INBOX if quiet else delivery_of(user, event)
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user, event=event, title=title, body=body, url=path, key=key, delivery=delivery
                )
        except IntegrityError:
            continue  # this reminder was already given
        if delivery == Delivery.MAIL and user.email:
            EmailMessage(
                subject=SUBJECT_PREFIX + title,
                body=f"{real_name(user)}：\n\n{body}\n\n查看：{absolute(path)}\n\n"
                "（本邮件由市中首席技师管理系统自动发送，请勿直接回复。可在后台“消息提醒设置”中更改接收方式。）",
                to=[user.email],
            ).send()
        elif delivery == Delivery.SMS:
            sms.send_later(user, f"{SUBJECT_PREFIX}{title}。详见管理后台消息。")
        sent.append(notification)
    return sent


@contextlib.contextmanager
def batched(label: str):
    """A batch of moves (roster.views.batch) tells each user once: the messages its moves would give are
    held, then merged per user and kind into one that lists the entries."""
    _state.held = []
    try:
        yield
    finally:
        held, _state.held = _state.held, None
        _flush(held, label)


def _flush(held: list, label: str) -> None:
    by_user = {}
    for users, event, title, body, path in held:
        for user in users:
            by_user.setdefault((user.pk, event), (user, []))[1].append((title, body, path))
    for (_pk, event), (user, items) in by_user.items():
        if len(items) == 1:
            tell([user], event, *items[0])
            continue
        body = f"以下{len(items)}份申报已批量办理“{label}”：\n" + "\n".join(
            f"{n}. {item_body.splitlines()[0]}" for n, (_t, item_body, _p) in enumerate(items, 1)
        )
        tell(
            [user], event, f"{len(items)}份申报已批量办理：{label}", body, reverse("wagtailsnippets_roster_entry:list")
        )


def _tell_entry(users, event, title, body, path) -> None:
    held = getattr(_state, "held", None)
    if held is not None:
        held.append((list(users), event, title, body, path))
    else:
        tell(users, event, title, body, path)


def _entry_path(entry: Entry) -> str:
    return reverse("wagtailsnippets_roster_entry:inspect", args=(entry.pk,))


def _in_scope(users, entry: Entry) -> list:
    """Only users whose own view of the roster includes the entry (roster.permissions)."""
    return [user for user in users if visible_entries(user).filter(pk=entry.pk).exists()]


def unit_recommenders(entry: Entry) -> list:
    return list(members(roles.RECOMMENDER).filter(staff_profile__unit_id=entry.unit_id))


def entry_moved(entry: Entry, name: str, actor, comment: str = "") -> None:
    """Called by roster.services.perform inside the move's transaction."""
    t = TRANSITIONS[name]
    rules = entry.round.rule_set
    article = rules.cite(t.article)
    title = f"{entry.person.name}的申报：{t.label}"
    lines = [
        f"{entry.person.name}（{entry.unit.name}，{entry.round.year}年度评选）的申报已办理“{t.label}”"
        + (f"（依据{article}）" if article else "")
        + "。",
        f"当前状态：{entry.get_status_display()}。",
        f"办理人：{real_name(actor) or '系统'}。",
    ]
    if comment:
        lines.append(f"说明：{redact(comment)}")
    body = "\n".join(lines)
    path = _entry_path(entry)
    actor_pk = getattr(actor, "pk", None)
    unit_side = [u for u in unit_recommenders(entry) if u.pk != actor_pk]
    _tell_entry(unit_side, Event.ENTRY_MOVED, title, body, path)
    if t.tells:
        others = [u for u in members(*t.tells) if u.pk != actor_pk and u.pk not in {x.pk for x in unit_side}]
        _tell_entry(_in_scope(others, entry), t.told_as, title, body, path)


def objection_filed(objection) -> None:
    entry = objection.entry
    title = f"{entry.person.name}的公示收到异议（受理编号{objection.reference}）"
    body = (
        f"{entry.person.name}（{entry.unit.name}，{entry.round.year}年度评选）在{objection.get_window_display()}期间"
        f"收到异议，受理编号{objection.reference}，收到日期{objection.received_on:%Y-%m-%d}。"
        f"请调查核实并答复反映人（{entry.round.rule_set.cite('第九条第五项')}）。"
    )
    office = _in_scope(members(roles.OFFICE), entry)
    path = reverse("roster_objection", args=(objection.pk,))
    tell(office, Event.OBJECTION, title, body, path)
    tell(unit_recommenders(entry), Event.OBJECTION, title, body, _entry_path(entry))


def experts_assigned(round_, users) -> None:
    deadline = f"，评审截止日期{round_.review_deadline:%Y-%m-%d}" if round_.review_deadline else ""
    tell(
        [u for u in users if roles.EXPERT in roles.user_roles(u)],
        Event.EXPERT_ASSIGNED,
        f"您已被指定为{round_.year}年度评选的评审专家",
        f"区选拔管理工作办公室已指定您为{round_.year}年度首席技师评选的评审专家{deadline}。"
        "资格审查通过的申报将出现在您的“待我评审”中，请对照申报表逐项评分。",
        reverse("wagtailsnippets_roster_entry:list") + "?status=qualified",
        key=f"expert_assigned:{round_.pk}",
    )


def allowance_computed(run, actor) -> None:
    from workflow.powers import may

    approvers = [u for u in members(roles.OFFICE) if u.pk != getattr(actor, "pk", None) and may(u, "approve_allowance")]
    tell(
        approvers,
        Event.ALLOWANCE_COMPUTED,
        f"{run.year}年度津贴已计算，待您审核批准",
        f"{run.year}年度首席技师津贴已由{real_name(actor) or '办公室'}计算，合计{run.total()}元，"
        "请另一名工作人员核对后批准发放（第十条）。",
        reverse("roster_allowance_run", args=(run.year,)),
    )


def allowance_approved(run, actor) -> None:
    finance = list(members(roles.FINANCE))
    maker = [run.computed_by] if run.computed_by_id and run.computed_by_id != getattr(actor, "pk", None) else []
    tell(
        finance + maker,
        Event.ALLOWANCE_APPROVED,
        f"{run.year}年度津贴发放已批准",
        f"{run.year}年度首席技师津贴发放表已由{real_name(actor)}审核批准，合计{run.total()}元，"
        "可在“津贴发放”中下载发放表办理拨付（第十条）。",
        reverse("roster_allowance_run", args=(run.year,)),
    )


@receiver(post_save, sender=Objection)
def _objection_filed(sender, instance, created, raw=False, **kwargs):
    """However the objection comes in (the public form, the office recording a letter), it is told."""
    if created and not raw:
        objection_filed(instance)


@receiver(m2m_changed, sender=Round.experts.through)
def _experts_added(sender, instance, action, pk_set, reverse, **kwargs):
    if action == "post_add" and not reverse and pk_set:
        experts_assigned(instance, get_user_model().objects.filter(pk__in=pk_set))
