"""The one entry point for moving an entry (SPEC §11): permission, guards, transition, save and
history in one atomic step. The admin, management commands and tests all call `perform`."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from workflow.errors import TransitionRefused
from workflow.transitions import TRANSITIONS, may_take

from . import notify
from .models import Entry, Round

logger = logging.getLogger(__name__)

LOG_ACTION = "roster.transition"
STALE = "记录已被他人修改，请刷新页面后重试"


def _transitions_from(entry):
    return {t.name: t for t in entry.get_all_status_transitions() if t.source in (entry.status, "*", "+")}


def refused(entry, reason: str, article: str = "") -> TransitionRefused:
    """A refusal citing the articles of the revision the entry's round runs under (SPEC §2)."""
    rules = entry.round.rule_set
    return TransitionRefused(rules.cite_text(reason), rules.cite(article))


def _refuse_unless_allowed(entry, t, user, comment, data):
    if t.name not in _transitions_from(entry):
        raise refused(entry, f"当前状态“{entry.get_status_display()}”不能进行“{t.label}”操作", t.article)
    if not may_take(user, t.name, entry.status, entry.is_own_unit(user)):
        raise refused(entry, f"您的角色无权进行“{t.label}”操作")
    if t.comment_required and not (comment or "").strip():
        raise refused(entry, f"“{t.label}”须填写书面说明")
    refusal = t.first_refusal(entry, {**data, "user": user})
    if refusal is not None:
        raise refused(entry, refusal.reason, refusal.article)


def check(entry: Entry, name: str, user, comment: str = "", **data) -> None:
    """Raises TransitionRefused when `perform` would refuse the move now; changes nothing (the page that
    confirms a move asks first, so it never confirms a move that cannot be taken)."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise TransitionRefused(f"未知的操作：{name}")
    _refuse_unless_allowed(entry, t, user, (comment or "").strip(), data)


def perform(entry: Entry, name: str, user, comment: str = "", **data) -> Entry:
    """Takes transition `name` on `entry` for `user`; raises TransitionRefused and changes nothing
    when the move is unknown, not allowed from the current state, not the user's to take, lacks a
    required comment or fails a guard."""
    comment = (comment or "").strip()
    t = TRANSITIONS.get(name)
    if t is None:
        raise TransitionRefused(f"未知的操作：{name}")
    try:
        with transaction.atomic():
            if t.lock_round:
                # Its guards count the round's entries (the quota): one such move per round at a time.
                Round.objects.select_for_update().filter(pk=entry.round_id).first()
            _refuse_unless_allowed(entry, t, user, comment, data)
            source = entry.status
            method = getattr(entry, name)
            method(user=user, comment=comment, **data)
            entry.save()
            record(entry, name, user, source, comment, data)
            notify.entry_moved(entry, name, user, comment)
    except TransitionRefused:
        _reload(entry)
        raise
    except ConcurrentTransition:
        _reload(entry)
        raise TransitionRefused(STALE) from None
    except IntegrityError:
        _reload(entry)
        if t.conflict:
            raise refused(entry, t.conflict, t.article) from None
        raise TransitionRefused(STALE) from None
    logger.info("entry %s: %s by user %s", entry.pk, name, getattr(user, "pk", None))
    return entry


def _reload(entry):
    """Puts the database's values back into `entry` after a refused move.

    Not refresh_from_db(): django-fsm-2 lifts the field's protection class-wide while refreshing,
    which races with other threads' transitions.
    """
    if not entry.pk:
        return
    fresh = type(entry)._default_manager.get(pk=entry.pk)
    for field in entry._meta.concrete_fields:
        entry.__dict__[field.attname] = fresh.__dict__[field.attname]
    entry._update_initial_state()


def _loggable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool | int | str) or value is None:
        return value
    return str(value)


def log_data(name, source, target, comment, data=None, at=None, rules=None) -> dict:
    """What the history keeps of one move (Wagtail's audit log, action LOG_ACTION); the article as the
    revision `rules` numbers it."""
    t = TRANSITIONS[name]
    return {
        "transition": name,
        "label": t.label,
        "from": source,
        "to": target,
        "comment": comment,
        "article": rules.cite(t.article) if rules else t.article,
        "data": {k: _loggable(v) for k, v in (data or {}).items() if k != "user"},
        "at": (at or timezone.now()).isoformat(),
    }


def record(entry, name, user, source, comment, data, target=None):
    data = log_data(name, source, target or entry.status, comment, data, rules=entry.round.rule_set)
    log(instance=entry, action=LOG_ACTION, user=user, data=data)


def history(entry):
    return ModelLogEntry.objects.for_instance(entry).filter(action=LOG_ACTION).order_by("timestamp", "pk")


def available(entry: Entry, user) -> list[tuple[str, bool, str]]:
    """Every transition leaving the entry's current state: (name, allowed, reason why not)."""
    result = []
    for name in sorted(_transitions_from(entry), key=list(TRANSITIONS).index):
        if not may_take(user, name, entry.status, entry.is_own_unit(user)):
            result.append((name, False, "您的角色无权进行此操作"))
            continue
        refusal = TRANSITIONS[name].first_refusal(entry, include_submit=False)
        if refusal is not None:
            result.append((name, False, str(refused(entry, refusal.reason, refusal.article))))
        else:
            result.append((name, True, ""))
    return result
