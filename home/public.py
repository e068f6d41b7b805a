"""What the public may see of the roster (SPEC §8): the one place that queries records for public pages.

Public lists carry only name, gender, unit, occupation, qualification level and deeds summary (plus, on
results, the certificate and announcement); never an ID number, phone, birth date or address.
"""

from django.db.models import F, Q

from roster.models import Entry
from workflow.models import QualificationLevel
from workflow.states import CERTIFICATE_STATUS, CERTIFIED, PUBLIC_ROSTER_STATES, PublicityLevel, Status


def rows(entries, *extra: str) -> list[dict]:
    """Rows of a public list as plain values: only what the public may see, no model objects to build."""
    labels = dict(QualificationLevel.choices)
    result = list(
        entries.values(
            "pk",
            "deeds_summary",
            *extra,
            name=F("person__name"),
            gender=F("person__gender"),
            occupation=F("person__occupation"),
            level=F("person__qualification_level"),
            unit_name=F("unit__name"),
        )
    )
    for row in result:
        row["level"] = labels.get(row["level"], "")
    return result


def publicity_candidates(notice):
    """Whom a 公示 lists when it is published (SPEC §3). District: the round's shortlisted entries on no
    other live district notice of the round (and entries whose notice was taken down: listed again).
    Unit: the unit's entries in unit publicity on no other live notice of that unit."""
    if not notice.round_id:
        return Entry.objects.none()
    entries = Entry.objects.filter(round_id=notice.round_id)
    if notice.level == PublicityLevel.UNIT:
        entries = entries.filter(status=Status.UNIT_PUBLICITY, unit_id=notice.unit_id)
    else:
        entries = entries.filter(status__in=[Status.SHORTLISTED, Status.DISTRICT_PUBLICITY])
    from .models.notices import PublicityListing  # the page models read this module

    elsewhere = PublicityListing.objects.filter(
        notice__round_id=notice.round_id, notice__level=notice.level, notice__live=True
    )
    if notice.pk:
        elsewhere = elsewhere.exclude(notice_id=notice.pk)
    return entries.exclude(pk__in=elsewhere.values("entry_id")).order_by("unit__name", "person__name")


def results_to_announce(notice):
    """Whom a 名单公布 lists when it is published (SPEC §3): the round's certified entries announced under
    its 文号, plus those certified without a 文号 that are on no other 名单公布."""
    if not notice.round_id:
        return Entry.objects.none()
    from .models.notices import ResultsListing  # the page models read this module

    certified = Entry.objects.filter(round_id=notice.round_id, certificate_number__isnull=False, status__in=CERTIFIED)
    elsewhere = ResultsListing.objects.filter(notice__round_id=notice.round_id)
    if notice.pk:
        elsewhere = elsewhere.exclude(notice_id=notice.pk)
    wanted = Q(announcement_number="")
    if notice.document_number:
        wanted |= Q(announcement_number=notice.document_number)
    return certified.filter(wanted).exclude(pk__in=elsewhere.values("entry_id")).order_by("certificate_number")


def roster_entries():
    """首席技师风采: chief technicians in their term, or whose term passed its evaluation."""
    return (
        Entry.objects.filter(status__in=PUBLIC_ROSTER_STATES, certificate_number__isnull=False)
        .select_related("person", "unit", "round", "person__photo")
        .order_by("-round__year", "certificate_number")
    )


def certificate(number: str) -> dict | None:
    """Certificate verification: holder's name, batch, term and status (管理期内 / 期满 / 已取消), nothing else."""
    found = (
        Entry.objects.filter(certificate_number=number, status__in=list(CERTIFICATE_STATUS))
        .values("status", "term_start", "term_end", name=F("person__name"), year=F("round__year"))
        .first()
    )
    if found is None:
        return None
    return {
        "name": found["name"],
        "batch": f"{found['year']}年度",
        "term_start": found["term_start"],
        "term_end": found["term_end"],
        "status": CERTIFICATE_STATUS[found["status"]],  # as Entry.certificate_status
    }
