"""Demo roster: a fictional 2024 round with entries in many states, units, persons and staff users.
Every name is fictional and marked 演示 in the unit names."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from workflow import roles
from workflow.models import RuleSet
from workflow.states import Status

from . import idnumber
from .models import Entry, Person, Round, StaffProfile, Unit
from .seeding import add_application_parts, add_state_records, lifecycle_fields, path_to

S = Status
DEMO_RULES = "市中政办字〔2020〕33号"

UNITS = [
    ("演示精密机械有限公司", Unit.Kind.DISTRICT_ENTERPRISE, Unit.Industry.PILLAR),
    ("演示新材料科技有限公司", Unit.Kind.PROVINCIAL_TAXPAYER, Unit.Industry.EMERGING),
    ("演示能源装备股份有限公司", Unit.Kind.CENTRAL_TAXPAYER, Unit.Industry.ADVANTAGE),
    ("演示区建筑业协会", Unit.Kind.INDUSTRY, Unit.Industry.CHARACTERISTIC),
    ("演示街道人力资源和社会保障所", Unit.Kind.TOWNSHIP_HRSS, Unit.Industry.OTHER),
]

# (name, unit index, occupation, state in the 2024 round)
PEOPLE = [
    ("林一帆", 0, "数控车工", S.ACTIVE),
    ("赵志强", 2, "焊工", S.ACTIVE),
    ("周慧敏", 1, "化学检验员", S.BENEFITS_STOPPED),
    ("孙立新", 3, "砌筑工", S.REVOCATION_PENDING),
    ("钱晓东", 0, "钳工", S.GOVERNMENT_REVIEW),
    ("吴秀兰", 1, "电工", S.LEADING_GROUP_REVIEW),
    ("郑海波", 2, "维修电工", S.INSPECTION),
    ("王春梅", 0, "车工", S.DISTRICT_PUBLICITY),
    ("冯建军", 3, "装配钳工", S.SHORTLISTED),
    ("陈丽娟", 1, "化工总控工", S.QUALIFIED),
    ("褚国庆", 2, "起重装卸机械操作工", S.SUBMITTED),
    ("卫红霞", 4, "美发师", S.UNIT_PUBLICITY),
    ("蒋文博", 0, "数控铣工", S.DRAFT),
    ("沈雅琴", 4, "中式面点师", S.RETURNED),
    ("韩德明", 3, "混凝土工", S.NOT_SELECTED),
    ("杨秋月", 1, "仪器仪表维修工", S.WITHDRAWN),
]

# A fictional earlier round whose four-year term has ended (Art 4, 14(3)).
PEOPLE_2021 = [
    ("何振华", 0, "模具工", S.TERM_ENDED),
    ("吕文静", 1, "化学检验员", S.TERM_PASSED),
    ("施宏伟", 2, "电焊工", S.REVOKED),
]

STAFF = [
    ("office", roles.OFFICE, None, "区选拔办 演示"),
    ("recommender", roles.RECOMMENDER, 0, "单位经办人 演示"),
    ("expert", roles.EXPERT, None, "评审专家 演示"),
    ("leader", roles.LEADING_GROUP, None, "领导小组 演示"),
    ("editor", roles.EDITOR, None, "网站编辑 演示"),
    ("finance", roles.FINANCE, None, "财政 演示"),
]


def staff_users(password: str | None) -> list[str]:
    """Creates one demo user per role (skipped when present); returns the usernames."""
    User = get_user_model()
    names = []
    units = list(Unit.objects.filter(name__in=[u[0] for u in UNITS]).order_by("pk"))
    for username, role, unit_index, full_name in STAFF:
        names.append(username)
        if User.objects.filter(username=username).exists():
            continue
        last, first = full_name.split(" ", 1)
        user = User.objects.create_user(username, f"{username}@example.cn", password, first_name=first, last_name=last)
        if password is None:
            user.set_unusable_password()
            user.save()
        user.groups.add(Group.objects.get(name=role))
        if unit_index is not None and units:
            StaffProfile.objects.create(user=user, unit=units[unit_index])
    return names


def _round(year: int, rules: RuleSet) -> tuple[Round, bool]:
    return Round.objects.get_or_create(
        year=year,
        defaults={
            "rule_set": rules,
            "quota": 10,
            "call_date": datetime.date(year, 10, 15),
            "application_deadline": datetime.date(year, 11, 29),
        },
    )


def _entries(round_: Round, people, units, helpers, offset: int) -> None:
    office = helpers.get(roles.OFFICE)
    for n, (name, unit_index, occupation, state) in enumerate(people, start=offset):
        unit = units[unit_index]
        birth = datetime.date(1975 + n % 14, 1 + n % 12, 3 + n % 25)
        person, _ = Person.objects.get_or_create(
            id_number=idnumber.make_id_number("370402", birth, 100 + n),
            defaults={
                "name": name,
                "phone": f"1390632{n:04d}",
                "occupation": occupation,
                "qualification_level": 4 if n % 3 else 5,
                "qualification_certificate": f"DEMO{n:06d}",
                "qualification_date": datetime.date(2016, 6, 1),
                "is_freelancer": unit.kind == Unit.Kind.TOWNSHIP_HRSS,
                "employer": "" if unit.kind == Unit.Kind.TOWNSHIP_HRSS else unit.name,
                "unit": unit,
            },
        )
        steps = path_to(state)
        entry = Entry.objects.create(
            round=round_,
            person=person,
            unit=unit,
            status=state,
            post=f"{occupation}岗位",
            years_in_occupation=12 + n % 10,
            specialty=f"{occupation}关键工序操作与工艺改进",
            achievements="主持工艺改进多项，带徒多人（演示数据）。",
            unit_opinion="经本单位评议，同意推荐（演示数据）。",
            deeds=(f"{name}同志（演示人物）长期在生产一线从事{occupation}工作，刻苦钻研、勇于革新。" * 30)[:1000],
            deeds_summary=f"长期从事{occupation}工作，技术精湛，传技带徒成绩突出（演示数据）。",
            consent_to_publication=True,
            **lifecycle_fields(round_, state, steps),
        )
        add_application_parts(entry)
        add_state_records(entry, state, steps, make_user=lambda role: helpers.get(role) or office)


@transaction.atomic
def load_demo_roster(password: str | None) -> Round:
    """Units, one staff user per role (with `password`, or unusable when None), the 2021 and 2024
    rounds with entries in many states, and an approved allowance run."""
    from .allowance import approve_run, compute_run

    rules = RuleSet.objects.get(document_number=DEMO_RULES)
    units = []
    for name, kind, industry in UNITS:
        unit, _ = Unit.objects.get_or_create(name=name, defaults={"kind": kind, "industry": industry})
        units.append(unit)
    staff_users(password)
    User = get_user_model()
    office, expert = User.objects.filter(username="office").first(), User.objects.filter(username="expert").first()
    helpers = {roles.OFFICE: office, roles.EXPERT: expert}
    earlier, created_2021 = _round(2021, rules)
    if created_2021:
        _entries(earlier, PEOPLE_2021, units, helpers, offset=len(PEOPLE))
    round_, created = _round(2024, rules)
    if expert:
        round_.experts.add(expert)
    if created:
        _entries(round_, PEOPLE, units, helpers, offset=0)
        run = compute_run(2025)
        approve_run(run, office)
    return round_
