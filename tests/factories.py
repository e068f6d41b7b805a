"""factory_boy factories (SPEC §11). Defaults build valid, complete records."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from roster import idnumber
from roster.models import (
    Apprentice,
    CompetitionResult,
    Entry,
    EvidenceFile,
    ExpertScore,
    Honour,
    Invention,
    Person,
    Round,
    StaffProfile,
    Unit,
)
from roster.services import record
from workflow import roles
from workflow.machine import add_years
from workflow.models import RuleSet
from workflow.states import Status

S = Status
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEEDS = ("该同志长期扎根生产一线，刻苦钻研技术，在关键工序攻关中屡有突破。" * 32)[:1000]


def rule_set_2020() -> RuleSet:
    return RuleSet.objects.get(document_number="市中政办字〔2020〕33号")


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `role=` names a group of SPEC §1 (e.g. roles.OFFICE), `unit=` the unit of a 推荐单位经办人."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.django.Password("pw-test-123")

    @classmethod
    def _create(cls, model_class, *args, role=None, unit=None, **kwargs):
        if role is not None and role not in roles.ALL_ROLES:
            raise ValueError(f"unknown role: {role}")
        user = super()._create(model_class, *args, **kwargs)
        if role:
            user.groups.add(Group.objects.get(name=role))
        if unit is not None:
            StaffProfile.objects.create(user=user, unit=unit)
        return user


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试机械制造有限公司{n}")
    kind = Unit.Kind.DISTRICT_ENTERPRISE
    industry = Unit.Industry.PILLAR


class PersonFactory(factory.django.DjangoModelFactory):
    """`birth_date=` yields a valid ID number with that birth date."""

    class Meta:
        model = Person

    class Params:
        birth_date = factory.Sequence(lambda n: datetime.date(1980, 1, 1) + datetime.timedelta(days=(n * 37) % 3650))

    name = factory.Sequence(lambda n: f"测试人{n}")
    id_number = factory.LazyAttributeSequence(lambda o, n: idnumber.make_id_number("370402", o.birth_date, n))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    occupation = "数控车工"
    qualification_level = 4
    qualification_certificate = factory.Sequence(lambda n: f"ZG{n:08d}")
    qualification_date = datetime.date(2015, 6, 1)
    is_frontline = True
    is_freelancer = False
    employer = factory.LazyAttribute(lambda o: o.unit.name)
    unit = factory.SubFactory(UnitFactory)


class RoundFactory(factory.django.DjangoModelFactory):
    """A round under the 2020 rule set; year Y: call on 15 October, deadline 29 November, quota 10."""

    class Meta:
        model = Round

    year = 2024
    rule_set = factory.LazyFunction(rule_set_2020)
    quota = 10
    call_date = factory.LazyAttribute(lambda o: datetime.date(o.year, 10, 15))
    application_deadline = factory.LazyAttribute(lambda o: datetime.date(o.year, 11, 29))


# The legal path from draft to each state (names of SPEC §6), used to write an entry's history.
SELECTION_PATH = [
    ("start_unit_publicity", S.UNIT_PUBLICITY),
    ("submit", S.SUBMITTED),
    ("pass_qualification", S.QUALIFIED),
    ("shortlist", S.SHORTLISTED),
    ("start_district_publicity", S.DISTRICT_PUBLICITY),
    ("start_inspection", S.INSPECTION),
    ("submit_to_leading_group", S.LEADING_GROUP_REVIEW),
    ("submit_to_government", S.GOVERNMENT_REVIEW),
    ("certify", S.ACTIVE),
]
_MAIN = [s for _, s in SELECTION_PATH]


def path_to(state: str) -> list[tuple[str, str, str]]:
    """[(transition, source, target)] from draft to `state`."""
    steps, source = [], S.DRAFT

    def walk(until):
        nonlocal source
        for name, target in SELECTION_PATH:
            steps.append((name, source, target))
            source = target
            if target == until:
                return

    side = {
        S.NOT_RECOMMENDED: (S.UNIT_PUBLICITY, "reject_after_unit_publicity"),
        S.RETURNED: (S.SUBMITTED, "return_for_correction"),
        S.INELIGIBLE: (S.SUBMITTED, "fail_qualification"),
        S.DISQUALIFIED: (S.SUBMITTED, "disqualify_for_fraud"),
        S.NOT_SELECTED: (S.QUALIFIED, "not_shortlist"),
        S.REJECTED: (S.DISTRICT_PUBLICITY, "reject"),
        S.WITHDRAWN: (S.SUBMITTED, "withdraw"),
        S.BENEFITS_STOPPED: (S.ACTIVE, "stop_benefits"),
        S.TERM_ENDED: (S.ACTIVE, "end_term"),
        S.REVOCATION_PENDING: (S.ACTIVE, "propose_revocation"),
        S.REVOKED: (S.ACTIVE, "propose_revocation"),
        S.TERM_PASSED: (S.ACTIVE, "end_term"),
    }
    if state == S.DRAFT:
        return steps
    if state in _MAIN:
        walk(state)
        return steps
    via, name = side[state]
    walk(via)
    first_target = {
        "propose_revocation": S.REVOCATION_PENDING,
        "end_term": S.TERM_ENDED,
        "stop_benefits": S.BENEFITS_STOPPED,
    }.get(name, state)
    steps.append((name, via, first_target))
    if state == S.TERM_PASSED:
        steps.append(("pass_term_evaluation", S.TERM_ENDED, S.TERM_PASSED))
    if state == S.REVOKED:
        steps.append(("approve_revocation", S.REVOCATION_PENDING, S.REVOKED))
    return steps


class EntryFactory(factory.django.DjangoModelFactory):
    """An entry with a complete application; `status=S` gives it the records and history of an entry
    that reached S legally (windows ended, expert score, inspection result, certificate and term)."""

    class Meta:
        model = Entry
        skip_postgeneration_save = True

    status = S.DRAFT
    # term_ended and term_passed entries belong to a 2021 round whose term has ended.
    round = factory.LazyAttribute(
        lambda o: RoundFactory(year=2021 if o.status in (S.TERM_ENDED, S.TERM_PASSED) else 2024)
    )
    person = factory.SubFactory(PersonFactory)
    unit = factory.LazyAttribute(lambda o: o.person.unit)
    post = "数控加工车间主操作手"
    years_in_occupation = 15
    specialty = "精密零件数控加工与工艺优化"
    achievements = "主持多项工艺改进，带徒8人。"
    unit_opinion = "经本单位评议，同意推荐。"
    deeds = DEEDS
    deeds_summary = "扎根一线，攻克多项精密加工难题，带徒多人成为技术骨干。"
    consent_to_publication = True

    @classmethod
    def _create(cls, model_class, *args, status=S.DRAFT, **kwargs):
        steps = path_to(status)
        fields = lifecycle_fields(kwargs["round"], status, steps)
        entry = super()._create(model_class, *args, status=status, **fields, **kwargs)
        add_application_parts(entry)
        add_state_records(entry, status, steps)
        return entry


def lifecycle_fields(round_: Round, status: str, steps) -> dict:
    names = {name for name, _, _ in steps}
    call = round_.call_date
    fields = {}
    if "start_unit_publicity" in names:
        fields["unit_publicity_start"] = call + datetime.timedelta(days=7)
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


def add_state_records(entry: Entry, status: str, steps) -> None:
    names = {name for name, _, _ in steps}
    if "pass_qualification" in names and status not in (S.SUBMITTED,):
        expert = UserFactory(role=roles.EXPERT)
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
    office = None
    for name, source, target in steps:
        comment = "（测试）书面说明" if name in _COMMENTED else ""
        user = None
        if name in ("propose_revocation", "approve_revocation"):
            office = office or UserFactory(role=roles.OFFICE)
            user = office if name == "propose_revocation" else UserFactory(role=roles.OFFICE)
        _record_step(entry, name, source, target, user, comment)
    if "propose_revocation" in names:
        Entry.objects.filter(pk=entry.pk).update(revocation_proposed_by=office)
        entry.revocation_proposed_by = office


_COMMENTED = {
    "reject_after_unit_publicity",
    "return_for_correction",
    "fail_qualification",
    "disqualify_for_fraud",
    "not_shortlist",
    "reject",
    "withdraw",
    "propose_revocation",
    "approve_revocation",
}


def _record_step(entry, name, source, target, user, comment):
    record(entry, name, user, source, comment, {}, target=target)
