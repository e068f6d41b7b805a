"""factory_boy factories (SPEC §11). Defaults build valid, complete records."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from roster import idnumber
from roster.models import (
    Entry,
    ExpertScore,
    Objection,
    Person,
    Round,
    StaffProfile,
    Unit,
)
from roster.seeding import (  # noqa: F401
    PDF_BYTES,
    add_application_parts,
    add_state_records,
    at,
    lifecycle_fields,
    path_to,
)
from workflow import roles
from workflow.models import RuleSet
from workflow.states import Status

S = Status
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
    bank_name = "中国工商银行枣庄市中支行"
    bank_account = factory.Sequence(lambda n: f"6222021605{n:09d}")


class RoundFactory(factory.django.DjangoModelFactory):
    """A round under the 2020 rule set; year Y: call on 15 October, deadline 29 November, quota 10."""

    class Meta:
        model = Round

    year = 2024
    rule_set = factory.LazyFunction(rule_set_2020)
    quota = 10
    call_date = factory.LazyAttribute(lambda o: datetime.date(o.year, 10, 15))
    application_deadline = factory.LazyAttribute(lambda o: datetime.date(o.year, 11, 29))


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
        given = {name: kwargs.pop(name) for name in list(kwargs) if name in fields}
        fields.update(given)  # dates given win
        entry = super()._create(model_class, *args, status=status, **fields, **kwargs)
        add_application_parts(entry)
        add_state_records(entry, status, steps, make_user=lambda role: UserFactory(role=role))
        if any(name == "start_district_publicity" for name, _, _ in steps):
            # An entry in its district window without a given first day joins the round's live notice.
            join_live = status == S.DISTRICT_PUBLICITY and "district_publicity_start" not in given
            list_on_district_notice(entry, join_live=join_live)
        return entry


def notice_index():
    """Where test notices live: the demo site's 通知公告 when it is there, else an index of their own."""
    from wagtail.models import Page

    from home.models import NoticeIndexPage

    index = NoticeIndexPage.objects.first()
    if index is None:
        index = Page.get_first_root_node().add_child(
            instance=NoticeIndexPage(title="通知公告（测试）", slug="test-notices")
        )
    return index


def list_on_district_notice(entry, join_live: bool = False):
    """SPEC §11: an entry past district publicity was listed on a live district notice of its round whose
    window starts on the entry's first day: a live one of that window (or, with `join_live`, the round's
    latest live notice, whose window becomes the entry's), the round's draft notice (published the evening
    before the first day), or a new one."""
    from home.listings import publish_as_of, republish_list
    from home.models import PublicityNoticePage

    first_day = entry.district_publicity_start
    notices = PublicityNoticePage.objects.filter(round=entry.round, level="district")
    for notice in notices.filter(live=True).order_by("-first_published_at"):
        if join_live or notice.window_first_day() == first_day:
            notice.store_rows([entry])
            if first_day != notice.window_first_day():
                entry.district_publicity_start = notice.window_first_day()
                Entry.objects.filter(pk=entry.pk).update(district_publicity_start=entry.district_publicity_start)
            return notice
    notice = notices.filter(live=False).first()
    if notice is not None:
        # The round's draft notice (empty until now) is published listing this entry.
        notice.store_rows([entry])
        republish_list(notice, at(first_day - datetime.timedelta(days=1), 20), keep_rows=True)
        return notice
    page = PublicityNoticePage(
        title=f"关于{entry.round.year}年度市中首席技师拟选拔人选的公示（测试）",
        slug=f"test-publicity-{entry.round.pk}-{first_day:%Y%m%d}",
        round=entry.round,
        level="district",
    )
    return publish_as_of(notice_index(), page, at(first_day - datetime.timedelta(days=1), 20), [entry])


class ObjectionFactory(factory.django.DjangoModelFactory):
    """An objection during the unit window, open; `status="upheld"` or `"dismissed"` comes with a finding."""

    class Meta:
        model = Objection

    entry = factory.SubFactory(EntryFactory, status=S.UNIT_PUBLICITY)
    window = Objection.Window.UNIT
    submitter_name = "张三"
    submitter_contact = "13900000000"
    facts = "反映获奖证书存疑，请予核实。"
    status = Objection.State.OPEN
    finding = factory.LazyAttribute(
        lambda o: {"upheld": "经核实，异议成立", "dismissed": "经核实，异议不成立"}.get(o.status, "")
    )


class ExpertScoreFactory(factory.django.DjangoModelFactory):
    """An expert's score with a finding on each of Art 7(1)–(4), by an expert assigned to the entry's round."""

    class Meta:
        model = ExpertScore

    entry = factory.SubFactory(EntryFactory, status=S.QUALIFIED)
    expert = factory.LazyAttribute(lambda o: UserFactory(role=roles.EXPERT))
    score = 90
    finding_ethics = "职业道德良好"
    finding_skill = "技能水平领先"
    finding_innovation = "有革新成果"
    finding_mentoring = "带徒成效突出"
    opinion = "同意列为建议人选"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        score = super()._create(model_class, *args, **kwargs)
        score.entry.round.experts.add(score.expert)
        return score


def objection_data(entry, **extra):
    """What a member of the public posts to a publicity notice's objection form about `entry`."""
    return {
        "submitter_name": "王某某",
        "submitter_contact": "0632-1234567",
        "entry": entry.pk,
        "facts": "该人选所报获奖情况与事实不符，请予核实。",
        "website": "",
        **extra,
    }
