"""Demo roster coherent with the day it is loaded: a round every two years from 2022, those of 2022 and
2024 under the 2020 measures, later ones under a demo revision (演示); each round has gone exactly as far
as today allows, on working days, with its history dated when each move was taken. Every name is
fictional; the units are marked 演示."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from workflow import roles, workdays
from workflow.demo_calendar import ensure_demo_years
from workflow.errors import CalendarUnknown
from workflow.models import RuleSet
from workflow.states import Status
from workflow.transitions import TRANSITIONS, add_years

from . import idnumber
from .models import AllowanceRun, Entry, Person, Round, StaffProfile, Unit
from .seeding import Timeline, add_application_parts, add_state_records, at, lifecycle_fields

S = Status
RULES_2020 = "市中政办字〔2020〕33号"
REVISION_NUMBER = "市中演示字〔2025〕1号"
REVISION_SOURCE = Path(settings.BASE_DIR) / "content" / "policy" / "demo-revision-2025.txt"
REVISION_FROM = datetime.date(2026, 1, 1)
FIRST_YEAR, LAST_YEAR = 2022, 2030

UNITS = [
    ("演示精密机械有限公司", Unit.Kind.DISTRICT_ENTERPRISE, Unit.Industry.PILLAR),
    ("演示新材料科技有限公司", Unit.Kind.PROVINCIAL_TAXPAYER, Unit.Industry.EMERGING),
    ("演示能源装备股份有限公司", Unit.Kind.CENTRAL_TAXPAYER, Unit.Industry.ADVANTAGE),
    ("演示区建筑业协会", Unit.Kind.INDUSTRY, Unit.Industry.CHARACTERISTIC),
    ("演示街道人力资源和社会保障所", Unit.Kind.TOWNSHIP_HRSS, Unit.Industry.OTHER),
]

# The moves of each kind of course through a round (SPEC §6); a course stops where today stops it.
SELECTION = ["start_unit_publicity", "submit", "pass_qualification", "shortlist", "start_district_publicity"]
APPOINTED = [*SELECTION, "start_inspection", "submit_to_leading_group", "submit_to_government", "certify"]
COURSES = {
    "term_passed": [*APPOINTED, "end_term", "pass_term_evaluation"],
    "corrected": [
        "start_unit_publicity",
        "submit",
        "return_for_correction",
        "resubmit",
        *SELECTION[2:],
        *APPOINTED[len(SELECTION) :],
        "end_term",
        "pass_term_evaluation",
    ],
    "benefits_stopped": [*APPOINTED, "stop_benefits", "end_term"],
    "revoked": [*APPOINTED, "propose_revocation", "approve_revocation"],
    "revocation_pending": [*APPOINTED, "propose_revocation"],
    "not_selected": SELECTION[:3] + ["not_shortlist"],
    "ineligible": ["start_unit_publicity", "submit", "fail_qualification"],
    "not_recommended": ["start_unit_publicity", "reject_after_unit_publicity"],
    "withdrawn": ["start_unit_publicity", "withdraw"],
}

# (name, unit index, occupation, course) of each round's applicants.
PEOPLE = {
    2022: [
        ("何振华", 0, "模具工", "term_passed"),
        ("吕文静", 1, "化学检验员", "term_passed"),
        ("施宏伟", 2, "电焊工", "revoked"),
        ("孔令军", 3, "架子工", "not_selected"),
        ("曹玉兰", 4, "育婴员", "withdrawn"),
    ],
    2024: [
        ("林一帆", 0, "数控车工", "term_passed"),
        ("赵志强", 2, "焊工", "corrected"),
        ("周慧敏", 1, "化学检验员", "benefits_stopped"),
        ("孙立新", 3, "砌筑工", "revocation_pending"),
        ("韩德明", 3, "混凝土工", "not_selected"),
        ("杨秋月", 1, "仪器仪表维修工", "ineligible"),
    ],
    2026: [
        ("钱晓东", 0, "钳工", "term_passed"),
        ("吴秀兰", 1, "电工", "term_passed"),
        ("郑海波", 2, "维修电工", "corrected"),
        ("王春梅", 0, "车工", "term_passed"),
        ("冯建军", 3, "装配钳工", "not_selected"),
        ("陈丽娟", 1, "化工总控工", "ineligible"),
        ("卫红霞", 4, "美发师", "withdrawn"),
        ("沈雅琴", 4, "中式面点师", "not_recommended"),
    ],
    2028: [
        ("褚国庆", 2, "起重装卸机械操作工", "term_passed"),
        ("蒋文博", 0, "数控铣工", "term_passed"),
        ("许春燕", 1, "化学检验员", "corrected"),
        ("马建国", 3, "钢筋工", "not_selected"),
        ("朱丽萍", 4, "保育师", "withdrawn"),
    ],
    2030: [
        ("潘志远", 0, "工具钳工", "term_passed"),
        ("董晓梅", 1, "分析工", "term_passed"),
        ("田卫东", 2, "电气值班员", "not_selected"),
        ("袁淑芬", 4, "中式烹调师", "not_recommended"),
    ],
}

STAFF = [
    ("office", roles.OFFICE, None, "区选拔办 演示"),
    ("office2", roles.OFFICE, None, "区选拔办复核 演示"),
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


# Moments beyond the years with a calendar lie years after today: such a move has not been taken, so
# its exact working day does not matter and the calendar day stands in for it.


def _workday_from(day: datetime.date) -> datetime.date:
    try:
        while not workdays.is_workday(day):
            day += datetime.timedelta(days=1)
    except CalendarUnknown:
        pass
    return day


def _workdays_after(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day`."""
    try:
        return workdays.window_end(day + datetime.timedelta(days=1), n)
    except CalendarUnknown:
        return day + datetime.timedelta(days=n)


def _window_end(first: datetime.date, n: int) -> datetime.date:
    try:
        return workdays.window_end(first, n)
    except CalendarUnknown:
        return first + datetime.timedelta(days=n)


@dataclass
class Plan:
    """When a round's stages happen (SPEC §3), on working days."""

    year: int
    rules: RuleSet
    call: datetime.date
    deadline: datetime.date
    qualification: datetime.datetime
    shortlist: datetime.datetime
    district_notice: datetime.datetime  # the 公示 goes live the evening the list is settled
    district_first_day: datetime.date
    inspection: datetime.datetime
    leading_group: datetime.datetime
    government: datetime.datetime
    announcement: datetime.date

    @property
    def results_at(self) -> datetime.datetime:
        return at(self.announcement, 10)

    @property
    def document_number(self) -> str:
        return f"市中演示字〔{self.announcement.year}〕{self.year % 100}号"

    @property
    def term_end(self) -> datetime.date:
        return add_years(self.announcement, self.rules.term_years)


def plan(year: int, rules: RuleSet) -> Plan:
    call = _workday_from(datetime.date(year, 10, 15))
    deadline = _workday_from(datetime.date(year, 11, 20))
    shortlist = _workdays_after(deadline, 5)
    notice = at(shortlist, 17)
    first_day = shortlist + datetime.timedelta(days=1)  # went live during the shortlist day (SPEC §3)
    window_end = _window_end(first_day, rules.district_publicity_days)
    inspection = _workdays_after(window_end, 1)
    leading_group = _workdays_after(inspection, 5)
    return Plan(
        year=year,
        rules=rules,
        call=call,
        deadline=deadline,
        qualification=at(_workdays_after(deadline, 2)),
        shortlist=at(shortlist, 15),
        district_notice=notice,
        district_first_day=first_day,
        inspection=at(inspection),
        leading_group=at(leading_group),
        government=at(_workdays_after(leading_group, 5)),
        announcement=_workday_from(datetime.date(year + 1, 1, 20)),
    )


def _moments(plan: Plan, course: list[str], k: int, now: datetime.datetime) -> tuple[Timeline, datetime.datetime]:
    """The timeline of applicant k on `course`: each move's moment, and the dates its records carry."""
    rules = plan.rules
    created = at(_workdays_after(plan.call, 1 + k % 3), 9)
    unit_moved = _workdays_after(plan.call, 3 + k % 4)
    unit_first = unit_moved + datetime.timedelta(days=1)
    unit_end = _window_end(unit_first, rules.unit_publicity_days)
    submitted = at(_workdays_after(unit_end, 1 + k % 3), 11)
    announced = plan.announcement
    term_end = plan.term_end
    proposed = at(_workdays_after(announced, 200))
    if "approve_revocation" not in course:
        # The pending proposal is recent: the second office user has not decided yet.
        proposed = max(proposed, now - datetime.timedelta(days=6))
    stopped = _workdays_after(announced.replace(month=6, day=1), 3)
    moments = {
        "start_unit_publicity": at(unit_moved, 16),
        "submit": submitted,
        "reject_after_unit_publicity": at(_workdays_after(unit_end, 2)),
        "pass_qualification": plan.qualification,
        "fail_qualification": plan.qualification,
        "return_for_correction": plan.qualification - datetime.timedelta(days=1),
        "resubmit": plan.qualification - datetime.timedelta(hours=20),
        "withdraw": at(_workdays_after(unit_first, 2), 15),
        "shortlist": plan.shortlist,
        "not_shortlist": plan.shortlist,
        "start_district_publicity": plan.district_notice + datetime.timedelta(minutes=10 + k),
        "start_inspection": plan.inspection,
        "submit_to_leading_group": plan.leading_group,
        "submit_to_government": plan.government,
        "certify": at(announced, 9),
        "stop_benefits": at(stopped),
        "end_term": at(_workday_from(term_end + datetime.timedelta(days=1))),
        "pass_term_evaluation": at(_workdays_after(term_end, 15)),
        "propose_revocation": proposed,
        "approve_revocation": at(_workdays_after(proposed.date(), 15)),
    }
    timeline = Timeline(
        unit_publicity_start=unit_first,
        submitted_at=submitted,
        unit_posted_on=plan.shortlist.date(),  # the unit posts the list the day it is settled
        district_publicity_start=plan.district_first_day,
        announcement_date=announced,
        announcement_number=plan.document_number,
        benefits_stopped_on=stopped,
        revocation_fact_date=(proposed - datetime.timedelta(days=30)).date(),
        revoked_on=moments["approve_revocation"].date(),
        moments={name: moments[name] for name in course},
        created_at=created,
        marker="演示",
    )
    return timeline, created


def _steps(course: list[str]) -> list[tuple[str, str, str]]:
    steps, state = [], S.DRAFT
    for name in course:
        transition = TRANSITIONS[name]
        assert state in transition.source, (name, state)
        steps.append((name, state, transition.target))
        state = transition.target
    return steps


def _person(n: int, name: str, unit: Unit, occupation: str) -> Person:
    birth = datetime.date(1975 + n % 14, 1 + n % 12, 3 + n % 25)
    person, _ = Person.objects.get_or_create(
        id_number=idnumber.make_id_number("370402", birth, 100 + n),
        defaults={
            "name": name,
            "phone": f"1390632{n:04d}",
            "bank_name": "演示银行枣庄市中支行",
            "bank_account": f"62220216050000{n:05d}",
            "occupation": occupation,
            "qualification_level": 4 if n % 3 else 5,
            "qualification_certificate": f"DEMO{n:06d}",
            "qualification_date": datetime.date(2016, 6, 1),
            "is_freelancer": unit.kind == Unit.Kind.TOWNSHIP_HRSS,
            "employer": "" if unit.kind == Unit.Kind.TOWNSHIP_HRSS else unit.name,
            "unit": unit,
        },
    )
    return person


def _entries(plan: Plan, round_: Round, units, helpers, first_n: int, now) -> list[Entry]:
    office = helpers[roles.OFFICE]
    made = []
    for k, (name, unit_index, occupation, course_name) in enumerate(PEOPLE[plan.year]):
        unit = units[unit_index]
        if course_name == "revocation_pending" and now.date() > plan.term_end - datetime.timedelta(days=60):
            course_name = "revoked"  # a proposal this old has long been decided
        timeline, created = _moments(plan, COURSES[course_name], k, now)
        if created > now:
            continue  # not yet drafted today
        # The course as far as today: the moves already taken.
        steps = [step for step in _steps(COURSES[course_name]) if timeline.moments[step[0]] <= now]
        entry_steps = {name for name, _, _ in steps}
        state = steps[-1][2] if steps else S.DRAFT
        entry = Entry.objects.create(
            round=round_,
            person=_person(first_n + k, name, unit, occupation),
            unit=unit,
            status=state,
            post=f"{occupation}岗位",
            years_in_occupation=12 + k % 10,
            specialty=f"{occupation}关键工序操作与工艺改进",
            achievements="主持工艺改进多项，带徒多人（演示数据）。",
            unit_opinion="经本单位评议，同意推荐（演示数据）。",
            deeds=(f"{name}同志（演示人物）长期在生产一线从事{occupation}工作，刻苦钻研、勇于革新。" * 30)[:1000],
            deeds_summary=f"长期从事{occupation}工作，技术精湛，传技带徒成绩突出（演示数据）。",
            consent_to_publication=True,
            **lifecycle_fields(round_, state, steps, timeline),
        )
        add_application_parts(entry)
        add_state_records(
            entry,
            state,
            steps,
            make_user=lambda role: helpers.get(role) or office,
            timeline=timeline,
        )
        entry.demo_moves = entry_steps
        made.append(entry)
    return made


def rule_sets() -> dict[int, RuleSet]:
    """The rule set of each round year: the 2020 measures until they expired, then the demo revision."""
    rules_2020 = RuleSet.objects.get(document_number=RULES_2020)
    revision, _ = RuleSet.objects.get_or_create(
        document_number=REVISION_NUMBER,
        defaults={
            "name": "市中首席技师选拔管理办法（演示修订稿）",
            "valid_from": REVISION_FROM,
            "valid_until": datetime.date(2030, 12, 31),
            "allowance_per_month": 300,
            "citations": {},
        },
    )
    return {
        year: (rules_2020 if year < REVISION_FROM.year else revision) for year in range(FIRST_YEAR, LAST_YEAR + 1, 2)
    }


def plans(today: datetime.date) -> list[Plan]:
    """The rounds whose call has gone out by `today`, oldest first."""
    ensure_demo_years(today.year + 1)
    result = []
    for year, rules in rule_sets().items():
        if datetime.date(year, 10, 1) > today:
            break
        round_plan = plan(year, rules)
        if round_plan.call <= today:
            result.append(round_plan)
    return result


@dataclass
class DemoRound:
    plan: Plan
    round: Round
    entries: list[Entry]

    def reached(self, move: str) -> list[Entry]:
        """The entries that have taken `move`."""
        return [e for e in self.entries if move in _moves(e)]


def _moves(entry: Entry) -> set[str]:
    if not hasattr(entry, "demo_moves"):
        from .services import history

        entry.demo_moves = {r.data.get("transition") for r in history(entry)}
    return entry.demo_moves


def _allowance_runs(rounds: list[DemoRound], now: datetime.datetime, helpers) -> None:
    """Each past year's run, computed by one office user in December and approved by another (Art 10)."""
    from .allowance import approve_run, compute_run

    first = min((r.plan.announcement.year for r in rounds if r.reached("certify")), default=None)
    if first is None:
        return
    # The months of the year of announcement are paid in the next year's run (Art 10), so the first run
    # with lines is that of the year after.
    for year in range(first + 1, now.year):
        if AllowanceRun.objects.filter(year=year).exists():
            continue
        run = approve_run(compute_run(year, helpers[roles.OFFICE]), helpers["second_office"])
        computed, approved = (
            at(_workdays_after(datetime.date(year, 12, 1), 5)),
            at(_workdays_after(datetime.date(year, 12, 1), 8)),
        )
        AllowanceRun.objects.filter(pk=run.pk).update(computed_at=computed, approved_at=approved)


@transaction.atomic
def load_demo_roster(password: str | None) -> list[DemoRound]:
    """Units, one staff user per role (with `password`, or unusable when None), every round whose call has
    gone out by today with its entries as far as today allows, and the allowance runs of past years.
    Rounds already present are left as they are."""
    now = timezone.now()
    units = []
    for name, kind, industry in UNITS:
        unit, _ = Unit.objects.get_or_create(name=name, defaults={"kind": kind, "industry": industry})
        units.append(unit)
    staff_users(password)
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in STAFF])}
    helpers = {
        roles.OFFICE: users.get("office"),
        roles.EXPERT: users.get("expert"),
        "second_office": users.get("office2"),
    }
    rounds, first_n = [], 0
    for round_plan in plans(timezone.localdate()):
        round_, created = Round.objects.get_or_create(
            year=round_plan.year,
            defaults={
                "rule_set": round_plan.rules,
                "quota": round_plan.rules.max_selected,
                "call_date": round_plan.call,
                "application_deadline": round_plan.deadline,
            },
        )
        if helpers[roles.EXPERT]:
            round_.experts.add(helpers[roles.EXPERT])
        entries = _entries(round_plan, round_, units, helpers, first_n, now) if created else list(round_.entries.all())
        first_n += len(PEOPLE[round_plan.year])
        rounds.append(DemoRound(round_plan, round_, entries))
    _allowance_runs(rounds, now, helpers)
    return rounds
