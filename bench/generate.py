"""The benchmark's data set, built fast with bulk_create.

    DJANGO_SETTINGS_MODULE=... python -m bench.generate [--out urls.json]

50 rounds (one a year, 1977–2026), 1,000 units, 10,000 entries (one person each) spread over every state,
2,000 of them chief technicians (certified, with certificate numbers and terms) in the rounds 2012–2024,
tracking evaluations, the history of one entry in five, approved allowance runs for the ten years
2016–2025, the staff users of the demo, the demo pages (linked to the 2024 round), the imported policy
and a reference page that renders (almost) only its title.

Statuses, dates and history follow roster.seeding (path_to, lifecycle_fields), so an entry in state S
carries the fields of S. bulk_create bypasses validation, signals and the search index; nothing here is
meant to be indexed for search. Prints a JSON object: the URLs to measure and the timings of each step.
"""

import argparse
import datetime
import io
import json
import time
import uuid

ROUND_YEARS = list(range(1977, 2027))  # 50 rounds
DEMO_YEAR = 2024  # the round the demo notices are linked to
UNITS = 1_000
ENTRIES = 10_000
CHIEFS = 2_000
CHIEF_YEARS = list(range(2012, 2025))  # rounds whose entries hold the 2,000 certificates
ALLOWANCE_YEARS = list(range(2016, 2026))  # ten approved runs
HISTORY_EVERY = 5  # one entry in five gets its history rows
BARE_SLUG = "bench-bare"


def _steps():
    from workflow.states import Status as S

    recent = [S.ACTIVE] * 7 + [S.BENEFITS_STOPPED, S.REVOCATION_PENDING, S.REVOKED]
    ended = [S.TERM_PASSED] * 6 + [S.TERM_ENDED] * 3 + [S.REVOKED]
    certified = {S.ACTIVE, S.BENEFITS_STOPPED, S.TERM_ENDED, S.TERM_PASSED, S.REVOCATION_PENDING, S.REVOKED}
    others = [s for s in S if s not in certified]
    return recent, ended, others


def _plan():
    """[(round year, status)] for the 10,000 entries."""
    recent, ended, others = _steps()
    plan = []
    per_round = CHIEFS // len(CHIEF_YEARS)
    extra = CHIEFS - per_round * len(CHIEF_YEARS)
    for i, year in enumerate(CHIEF_YEARS):
        # A term ends four years after the January announcement: rounds up to 2021 have ended by 2026.
        cycle = recent if year >= 2022 else ended
        for k in range(per_round + (1 if i < extra else 0)):
            plan.append((year, cycle[k % len(cycle)]))
    rest = ENTRIES - len(plan)
    for k in range(rest):
        plan.append((ROUND_YEARS[k % len(ROUND_YEARS)], others[k % len(others)]))
    return plan


def _timed(timings, name):
    class Timer:
        def __enter__(self):
            self.t = time.perf_counter()

        def __exit__(self, *exc):
            timings[name] = round(time.perf_counter() - self.t, 2)

    return Timer()


def generate() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import ModelLogEntry

    from home.demo import load_demo_content
    from roster.allowance import approve_run, compute_run
    from roster.demo import DEMO_RULES, staff_users
    from roster.models import Entry, Person, Round, TrackingEvaluation, Unit
    from roster.seeding import lifecycle_fields, numbered_person, path_to
    from roster.services import LOG_ACTION, log_data
    from workflow.models import RuleSet
    from workflow.states import Status as S
    from workflow.transitions import TRANSITIONS

    timings: dict[str, float] = {}
    rules = RuleSet.objects.get(document_number=DEMO_RULES)
    kinds, industries = list(Unit.Kind), list(Unit.Industry)

    with _timed(timings, "users, units, rounds, persons, entries"), transaction.atomic():
        staff_users(None)
        office = get_user_model().objects.get(username="office")
        units = Unit.objects.bulk_create(
            Unit(
                name=f"基准测试第{n:04d}号有限公司",
                kind=kinds[n % len(kinds)],
                industry=industries[n % len(industries)],
                contact_name="联系人",
                contact_phone="0632-0000000",
            )
            for n in range(UNITS)
        )
        rounds = {
            r.year: r
            for r in Round.objects.bulk_create(
                Round(
                    year=year,
                    rule_set=rules,
                    quota=10,
                    call_date=datetime.date(year, 10, 15),
                    application_deadline=datetime.date(year, 11, 29),
                )
                for year in ROUND_YEARS
            )
        }
        plan = _plan()
        persons = []
        for n in range(len(plan)):
            unit = units[n % UNITS]
            persons.append(
                numbered_person(
                    n,
                    unit,
                    name=f"基准{n:05d}",
                    born=datetime.date(1965, 1, 1) + datetime.timedelta(days=n),
                    certificate=f"BENCH{n:07d}",
                    occupation=("数控车工", "焊工", "电工", "钳工", "化学检验员")[n % 5],
                    qualification_level=4 if n % 3 else 5,
                    qualification_date=datetime.date(2010, 6, 1),
                )
            )
        persons = Person.objects.bulk_create(persons, batch_size=2000)
        numbers: dict[int, int] = {}
        entries, paths = [], []
        for n, ((year, status), person) in enumerate(zip(plan, persons, strict=True)):
            round_ = rounds[year]
            steps = path_to(status)
            fields = lifecycle_fields(round_, status, steps)
            if "announcement_date" in fields:
                numbers[year] = numbers.get(year, 0) + 1
                fields["certificate_number"] = f"SZSX-{year}-{numbers[year]:03d}"
            if status == S.REVOCATION_PENDING or status == S.REVOKED:
                fields["revocation_proposed_by"] = office
            entries.append(
                Entry(
                    round=round_,
                    person=person,
                    unit=person.unit,
                    status=status,
                    post=f"{person.occupation}岗位",
                    years_in_occupation=12 + n % 10,
                    specialty=f"{person.occupation}关键工序操作与工艺改进",
                    achievements="主持工艺改进多项，带徒多人（基准测试数据）。",
                    unit_opinion="经本单位评议，同意推荐（基准测试数据）。",
                    deeds="长期在生产一线从事技能工作，刻苦钻研、勇于革新（基准测试数据）。" * 25,
                    deeds_summary=f"长期从事{person.occupation}工作，技术精湛，传技带徒成绩突出（基准测试数据）。",
                    consent_to_publication=True,
                    **fields,
                )
            )
            paths.append(steps)
        entries = Entry.objects.bulk_create(entries, batch_size=1000)

    with _timed(timings, "history and evaluations"), transaction.atomic():
        content_type = ContentType.objects.get_for_model(Entry)
        now = timezone.now()
        logs = []
        for n, (entry, steps) in enumerate(zip(entries, paths, strict=True)):
            if n % HISTORY_EVERY:
                continue
            for k, (name, source, target) in enumerate(steps):
                logs.append(
                    ModelLogEntry(
                        content_type=content_type,
                        object_id=str(entry.pk),
                        label=f"{entry.person.name}（{entry.round}）",
                        action=LOG_ACTION,
                        user=office if TRANSITIONS[name].comment_required else None,
                        timestamp=now - datetime.timedelta(minutes=len(steps) - k),
                        uuid=uuid.uuid4(),
                        data=log_data(
                            name,
                            source,
                            target,
                            "（基准测试）书面说明" if TRANSITIONS[name].comment_required else "",
                            at=now,
                        ),
                    )
                )
        ModelLogEntry.objects.bulk_create(logs, batch_size=2000)
        evaluations = []
        for n, entry in enumerate(entries):
            if not entry.term_start:
                continue
            last = min(entry.term_end.year, 2025)
            for year in range(entry.term_start.year, last + 1):
                fail = (n + year) % 25 == 0
                evaluations.append(
                    TrackingEvaluation(
                        entry=entry,
                        year=year,
                        result=TrackingEvaluation.Result.FAIL if fail else TrackingEvaluation.Result.PASS,
                        comment="年度跟踪评估（基准测试数据）。",
                        evaluated_by=office,
                    )
                )
        TrackingEvaluation.objects.bulk_create(evaluations, batch_size=2000)
    timings["history rows"] = len(logs)
    timings["evaluations"] = len(evaluations)

    with _timed(timings, f"allowance runs {ALLOWANCE_YEARS[0]}–{ALLOWANCE_YEARS[-1]} (compute_run + approve_run)"):
        for year in ALLOWANCE_YEARS:
            approve_run(compute_run(year), office)

    with _timed(timings, "demo pages, policy, reference page"):
        demo_round = rounds[DEMO_YEAR]
        pages = load_demo_content(demo_round)
        call_command("import_policy", stdout=io.StringIO())
        demo_round.entries.filter(status=S.DISTRICT_PUBLICITY).update(
            district_publicity_start=pages["publicity"].window_first_day()
        )
        bare = _bare_page(pages["home"])

    from home.models import PolicyPage, RosterPage

    roster = RosterPage.objects.get()
    profile = RosterPage.public_entries().filter(status=S.ACTIVE).first()
    certificate = Entry.objects.filter(status=S.ACTIVE).order_by("certificate_number").first().certificate_number
    return {
        "urls": {
            "home": pages["home"].get_url(),
            "policy": PolicyPage.objects.get().get_url(),
            "publicity": pages["publicity"].get_url(),
            "results": pages["results"].get_url(),
            "roster": roster.get_url(),
            "profile": f"{roster.get_url()}{profile.pk}/",
            "verify": f"{roster.get_url()}verify/?number={certificate}",
            "bare": bare.get_url(),
        },
        "bare_model": bare.specific_class._meta.label,
        "counts": _counts(),
        "timings": timings,
    }


def _bare_page(home):
    """The reference: a bench.BarePage, which renders only its title."""
    from bench.models import BarePage
    from home.demo import publish

    return publish(home, BarePage(title="基准参照页", slug=BARE_SLUG))


def _counts() -> dict:
    from django.db.models import Count
    from wagtail.models import ModelLogEntry

    from roster.models import AllowanceLine, AllowanceRun, Entry, Person, Round, TrackingEvaluation, Unit

    return {
        "rounds": Round.objects.count(),
        "units": Unit.objects.count(),
        "persons": Person.objects.count(),
        "entries": Entry.objects.count(),
        "certified (certificate numbers)": Entry.objects.exclude(certificate_number=None).count(),
        "states": Entry.objects.values("status").annotate(n=Count("pk")).count(),
        "tracking evaluations": TrackingEvaluation.objects.count(),
        "history rows": ModelLogEntry.objects.count(),
        "approved allowance runs": AllowanceRun.objects.filter(state="approved").count(),
        "allowance lines": AllowanceLine.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="also write the JSON result to this file")
    args = parser.parse_args()
    import django

    django.setup()
    result = generate()
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
