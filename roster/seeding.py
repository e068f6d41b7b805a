"""Builds entries as they stand after a legal path through the lifecycle: the demo site and the test
factories share this, so an entry in state S always carries the dates, records and history of S."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from workflow import roles
from workflow.states import Status
from workflow.transitions import TRANSITIONS, add_years, path_to  # noqa: F401 - path_to: seeding's entry point

from . import idnumber
from .models import Apprentice, CompetitionResult, Entry, EvidenceFile, ExpertScore, Honour, Invention, Person, Round
from .services import record

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
        qualification_certificate=certificate,
        employer=unit.name,
        unit=unit,
        **values,
    )


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def lifecycle_fields(round_: Round, status: str, steps) -> dict:
    names = {name for name, _, _ in steps}
    call = round_.call_date
    fields = {}
    if "start_unit_publicity" in names:
        fields["unit_publicity_start"] = call + datetime.timedelta(days=7)
    if "submit" in names:
        fields["submitted_at"] = at(call + datetime.timedelta(days=20))
    if "start_district_publicity" in names:
        fields["unit_posted_on"] = call + datetime.timedelta(days=50)
        fields["district_publicity_start"] = call + datetime.timedelta(days=52)
    if "start_inspection" in names:
        fields["inspection_result"] = "no_objection"
    if "certify" in names:
        announced = datetime.date(round_.year + 1, 1, 20)
        fields.update(
            announcement_date=announced,
            announcement_number=f"市中政办字〔{round_.year + 1}〕1号",
            term_start=announced,
            term_end=add_years(announced, round_.rule_set.term_years),
        )
    if "stop_benefits" in names:
        fields.update(
            benefits_stop_reason="left_post", benefits_stopped_on=fields["announcement_date"].replace(month=6)
        )
    if "pass_term_evaluation" in names:
        fields["term_evaluation"] = "pass"
    if "propose_revocation" in names:
        fields.update(
            status_before_revocation=S.ACTIVE,
            revocation_ground=4,
            revocation_fact_date=fields["announcement_date"] + datetime.timedelta(days=100),
            revocation_statement="（测试）其他应当取消称号的行为。",
        )
    if "approve_revocation" in names:
        fields.update(revoked_on=fields["announcement_date"] + datetime.timedelta(days=200), certificate_recalled=True)
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


def add_state_records(entry: Entry, status: str, steps, make_user) -> None:
    """`make_user(role)` gives the users who act: an expert who scored, the office staff who decided."""
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
        comment = "（测试）书面说明" if TRANSITIONS[name].comment_required else ""
        user = None
        if name in ("propose_revocation", "approve_revocation"):
            office = office or make_user(roles.OFFICE)
            user = office if name == "propose_revocation" else make_user(roles.OFFICE)
        _record_step(entry, name, source, target, user, comment)
    if "propose_revocation" in names:
        Entry.objects.filter(pk=entry.pk).update(revocation_proposed_by=office)
        entry.revocation_proposed_by = office


def _record_step(entry, name, source, target, user, comment):
    record(entry, name, user, source, comment, {}, target=target)
