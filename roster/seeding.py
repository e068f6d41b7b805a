"""Builds entries as they stand after a legal path through the lifecycle: the demo site and the test
factories share this, so an entry in state S always carries the dates, records and history of S."""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from workflow import roles
from workflow.states import Status
from workflow.transitions import TRANSITIONS, add_years, path_to  # noqa: F401 - path_to: seeding's entry point

from . import idnumber
from .models import Apprentice, CompetitionResult, Entry, EvidenceFile, ExpertScore, Honour, Invention, Person, Round
from .services import history, record

S = Status
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def numbered_person(n: int, unit, *, name: str, born: datetime.date, certificate: str, **fields) -> Person:
    """Person number n of a generated data set, unsaved (for bulk_create): a valid ID number for
    `born` (so gender and birth date agree with it) and a phone number unique to n."""
    id_number = idnumber.make_id_number("370402", born, 100 + n % 900)
    values = {
        "occupation": "数控车工",
        "qualification_level": 4,
        "qualification_date": datetime.date(2015, 6, 1),
        **fields,
    }
    return Person(
        name=name,
        id_number=id_number,
        gender=idnumber.gender_of(id_number),
        birth_date=born,
        phone=f"139{n:08d}",
        bank_name="中国工商银行枣庄市中支行",
        bank_account=f"6222021605{n:09d}",
        qualification_certificate=certificate,
        employer=unit.name,
        unit=unit,
        **values,
    )


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@dataclass
class Timeline:
    """When an entry's lifecycle happened: the dates its records carry and, when given, the moment of each
    move (the history's timestamps). Tests use `Timeline.simple`; the demo sets working days."""

    unit_publicity_start: datetime.date
    submitted_at: datetime.datetime
    unit_posted_on: datetime.date
    district_publicity_start: datetime.date
    announcement_date: datetime.date
    announcement_number: str
    benefits_stopped_on: datetime.date | None = None
    revocation_fact_date: datetime.date | None = None
    revoked_on: datetime.date | None = None
    moments: dict[str, datetime.datetime] = field(default_factory=dict)  # move name -> when it was taken
    created_at: datetime.datetime | None = None
    marker: str = "测试"  # how the generated statements are marked

    @classmethod
    def simple(cls, round_: Round) -> "Timeline":
        call = round_.call_date
        announced = datetime.date(round_.year + 1, 1, 20)
        return cls(
            unit_publicity_start=call + datetime.timedelta(days=7),
            submitted_at=at(call + datetime.timedelta(days=20)),
            unit_posted_on=call + datetime.timedelta(days=50),
            district_publicity_start=call + datetime.timedelta(days=52),
            announcement_date=announced,
            announcement_number=f"市中政办字〔{round_.year + 1}〕1号",
            benefits_stopped_on=announced.replace(month=6),
            revocation_fact_date=announced + datetime.timedelta(days=100),
            revoked_on=announced + datetime.timedelta(days=200),
        )


def lifecycle_fields(round_: Round, status: str, steps, timeline: Timeline | None = None) -> dict:
    names = {name for name, _, _ in steps}
    when = timeline or Timeline.simple(round_)
    fields = {}
    if "start_unit_publicity" in names:
        fields["unit_publicity_start"] = when.unit_publicity_start
    if "submit" in names:
        fields["submitted_at"] = when.submitted_at
    if "start_district_publicity" in names:
        fields["unit_posted_on"] = when.unit_posted_on
        fields["district_publicity_start"] = when.district_publicity_start
    if "start_inspection" in names:
        fields["inspection_result"] = "no_objection"
    if "certify" in names:
        fields.update(
            announcement_date=when.announcement_date,
            announcement_number=when.announcement_number,
            term_start=when.announcement_date,
            term_end=add_years(when.announcement_date, round_.rule_set.term_years),
        )
    if "stop_benefits" in names:
        fields.update(benefits_stop_reason="left_post", benefits_stopped_on=when.benefits_stopped_on)
    if "pass_term_evaluation" in names:
        fields["term_evaluation"] = "pass"
    if "propose_revocation" in names:
        fields.update(
            status_before_revocation=S.ACTIVE,
            revocation_ground=4,
            revocation_fact_date=when.revocation_fact_date,
            revocation_statement=f"（{when.marker}）其他应当取消称号的行为。",
        )
    if "approve_revocation" in names:
        fields.update(revoked_on=when.revoked_on, certificate_recalled=True)
    return fields


def add_application_parts(entry: Entry) -> None:
    call = entry.round.call_date
    Honour.objects.create(
        entry=entry,
        kind=Honour.Kind.SKILL_EXPERT,
        title="枣庄市技术能手",
        awarded_on=call - datetime.timedelta(days=365),
        issuer="枣庄市人力资源和社会保障局",
    )
    CompetitionResult.objects.create(
        entry=entry,
        level=CompetitionResult.Level.CITY_2,
        name="枣庄市职业技能大赛",
        rank=3,
        held_on=call.replace(year=call.year - 2),
    )
    Invention.objects.create(
        entry=entry, title="薄壁件装夹工装改进", kind="技术革新", achieved_on=call.replace(year=call.year - 1)
    )
    Apprentice.objects.create(entry=entry, name="学徒甲", achievement="获市级竞赛三等奖")
    evidence = EvidenceFile(entry=entry, title="职业资格证书")
    evidence.file.save("certificate.pdf", ContentFile(PDF_BYTES), save=True)


def add_state_records(entry: Entry, status: str, steps, make_user, timeline: Timeline | None = None) -> None:
    """`make_user(role)` gives the users who act: an expert who scored, the office staff who decided.
    A timeline with moments dates the history, the score and the files when they happened."""
    marker = timeline.marker if timeline else "测试"
    names = {name for name, _, _ in steps}
    if "start_unit_publicity" in names:
        entry.published_facts = entry.facts_for_publication()
        Entry.objects.filter(pk=entry.pk).update(published_facts=entry.published_facts)
    if "pass_qualification" in names and status not in (S.SUBMITTED,):
        expert = make_user(roles.EXPERT)
        entry.round.experts.add(expert)
        ExpertScore.objects.create(
            entry=entry,
            expert=expert,
            score=88,
            finding_ethics="职业道德良好",
            finding_skill="技能水平市内拔尖",
            finding_innovation="有革新成果",
            finding_mentoring="带徒成绩突出",
            opinion="建议列为人选",
        )
    if "certify" in names:
        entry.certificate_number = entry.next_certificate_number()
        Entry.objects.filter(pk=entry.pk).update(certificate_number=entry.certificate_number)
    office = None
    for name, source, target in steps:
        comment = f"（{marker}）书面说明" if TRANSITIONS[name].comment_required else ""
        user = None
        if name in ("propose_revocation", "approve_revocation"):
            office = office or make_user(roles.OFFICE)
            user = office if name == "propose_revocation" else make_user(roles.OFFICE)
        _record_step(entry, name, source, target, user, comment)
    if "propose_revocation" in names:
        Entry.objects.filter(pk=entry.pk).update(revocation_proposed_by=office)
        entry.revocation_proposed_by = office
    if timeline is not None and timeline.moments:
        _date_records(entry, steps, timeline)


def _date_records(entry: Entry, steps, timeline: Timeline) -> None:
    records = list(history(entry))
    for (name, _, _), log_entry in zip(steps, records, strict=True):
        moment = timeline.moments[name]
        data = {**log_entry.data, "at": moment.isoformat()}
        type(log_entry).objects.filter(pk=log_entry.pk).update(timestamp=moment, data=data)
    last = timeline.moments[steps[-1][0]] if steps else timeline.created_at
    created = timeline.created_at or last
    Entry.objects.filter(pk=entry.pk).update(created_at=created, updated_at=last)
    EvidenceFile.objects.filter(entry=entry).update(uploaded_at=created)
    if "shortlist" in timeline.moments or "not_shortlist" in timeline.moments:
        scored = timeline.moments.get("shortlist") or timeline.moments["not_shortlist"]
        ExpertScore.objects.filter(entry=entry).update(created_at=scored - datetime.timedelta(days=1))


def _record_step(entry, name, source, target, user, comment):
    record(entry, name, user, source, comment, {}, target=target)
