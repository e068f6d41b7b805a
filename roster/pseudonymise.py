"""个人信息保护法 第十九条、第四十七条: personal numbers are kept no longer than the purpose needs. Once every
entry of a person has ended (a negative outcome, a revoked title, or a term that passed its evaluation)
more than settings.PERSONAL_DATA_RETENTION_YEARS ago, the ID number and phone are replaced and the birth
date is kept to its year. The keyed hash of the ID number stays, so that the eligibility checks still
recognise the person if they apply again (Art 7(1), 14(3)). An objector's name and contact go the same
number of years after the objection was decided."""

import datetime
import logging

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from workflow.states import NEGATIVE_STATES, Status

from . import idnumber
from .models import Entry, Objection, Person
from .services import history

logger = logging.getLogger(__name__)
ENDED_STATES = [*NEGATIVE_STATES, Status.TERM_PASSED]
FORGOTTEN = "（已删除）"


def retention_limit(today: datetime.date) -> datetime.date:
    """The same day PERSONAL_DATA_RETENTION_YEARS years back (29 February falls back to the 28th)."""
    year = today.year - settings.PERSONAL_DATA_RETENTION_YEARS
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def _ended_on(entry) -> datetime.date:
    """When an ended entry stopped needing the person's numbers: its last move (its revocation, the end
    of its term), or its last change when it has no recorded move."""
    last_move = history(entry).last()
    moved = timezone.localdate(last_move.timestamp) if last_move else timezone.localdate(entry.updated_at)
    return max(day for day in (moved, entry.term_end, entry.revoked_on) if day)


def due(today: datetime.date | None = None):
    """Persons whose entries have all ended more than the retention period ago, not yet pseudonymised."""
    limit = retention_limit(today or timezone.localdate())
    live = Entry.objects.filter(person=OuterRef("pk")).exclude(status__in=ENDED_STATES)
    candidates = Person.objects.filter(pseudonymised_on__isnull=True, entries__isnull=False).exclude(Exists(live))
    for person in candidates.distinct().prefetch_related("entries"):
        if max(_ended_on(e) for e in person.entries.all()) < limit:
            yield person


def pseudonymise(person: Person, today: datetime.date | None = None) -> None:
    """Replaces the numbers in place (no save(): the keyed hash must stay as it is)."""
    key = person.id_key or idnumber.keyed_hash(person.id_number)
    Person.objects.filter(pk=person.pk).update(
        id_key=key,
        id_number=f"已去标识{key[:12]}",
        phone="",
        bank_name="",
        bank_account="",
        birth_date=person.birth_date.replace(month=1, day=1),
        pseudonymised_on=today or timezone.localdate(),
    )
    logger.info("person %s pseudonymised", person.pk)


def pseudonymise_due(today: datetime.date | None = None) -> int:
    count = 0
    for person in list(due(today)):
        pseudonymise(person, today)
        count += 1
    return count


def forget_objectors(today: datetime.date | None = None) -> int:
    """The objector's name, contact and attachment go once the objection was decided that long ago."""
    limit = retention_limit(today or timezone.localdate())
    decided = Objection.objects.exclude(status=Objection.State.OPEN).exclude(submitter_name=FORGOTTEN)
    count = 0
    for objection in decided.filter(decided_at__date__lt=limit):
        if objection.attachment:
            objection.attachment.delete(save=False)
        Objection.objects.filter(pk=objection.pk).update(submitter_name=FORGOTTEN, submitter_contact="", attachment="")
        count += 1
    return count
