"""Statistics for the office (SPEC §9): chief technicians and candidates by industry, qualification
level, age band and batch; drawn as server-side SVG bars and downloadable as .xlsx."""

from collections import Counter

from django.db.models import Count

from workflow.eligibility import age_on
from workflow.models import QualificationLevel
from workflow.states import CERTIFIED, Status

from .models import Entry, Unit

POPULATIONS = {
    "chief": ("首席技师", lambda qs: qs.filter(status__in=CERTIFIED)),
    "candidates": ("候选人（已上报）", lambda qs: qs.exclude(status__in=[Status.DRAFT, Status.UNIT_PUBLICITY])),
}
AGE_BANDS = [
    (0, 35, "35岁及以下"),
    (36, 40, "36—40岁"),
    (41, 45, "41—45岁"),
    (46, 50, "46—50岁"),
    (51, 200, "50岁以上"),
]


def _by_field(entries, field, choices) -> list[tuple[str, int]]:
    counts = dict(entries.values_list(field).order_by(field).annotate(n=Count("pk")).values_list(field, "n"))
    return [(label, counts.get(value, 0)) for value, label in choices]


def by_industry(entries):
    return _by_field(entries, "unit__industry", Unit.Industry.choices)


def by_level(entries):
    return _by_field(entries, "person__qualification_level", QualificationLevel.choices)


def by_batch(entries):
    rows = entries.values_list("round__year").order_by("round__year").annotate(n=Count("pk"))
    return [(f"{year}年度", n) for year, n in rows]


def by_age_band(entries):
    """Age on the round's call date (周岁, as Art 7(5) counts it)."""
    counter = Counter()
    for birth, call in entries.values_list("person__birth_date", "round__call_date"):
        age = age_on(birth, call)
        counter[next(label for low, high, label in AGE_BANDS if low <= age <= high)] += 1
    return [(label, counter.get(label, 0)) for _, _, label in AGE_BANDS]


DIMENSIONS = {
    "industry": ("产业类别", by_industry),
    "level": ("职业资格等级", by_level),
    "age": ("年龄段（申报通知日周岁）", by_age_band),
    "batch": ("批次", by_batch),
}


def table(population: str, dimension: str, entries=None) -> list[tuple[str, int]]:
    entries = Entry.objects.all() if entries is None else entries
    return DIMENSIONS[dimension][1](POPULATIONS[population][1](entries))


def chart(rows: list[tuple[str, int]]) -> dict:
    """Bar geometry for a simple horizontal SVG chart."""
    biggest = max((n for _, n in rows), default=0) or 1
    bar_height, gap, label_width, width = 22, 8, 170, 360
    bars = []
    for i, (label, n) in enumerate(rows):
        bars.append(
            {
                "label": label,
                "count": n,
                "y": i * (bar_height + gap),
                "width": round(width * n / biggest),
                "text_y": i * (bar_height + gap) + 16,
            }
        )
    return {
        "bars": bars,
        "height": max(len(rows) * (bar_height + gap), bar_height),
        "label_width": label_width,
        "total_width": label_width + width + 60,
        "bar_height": bar_height,
        "total": sum(n for _, n in rows),
    }


def workbook(population: str, dimension: str, rows) -> bytes:
    from .spreadsheets import append_row, new_workbook, workbook_bytes

    wb, ws = new_workbook(DIMENSIONS[dimension][0])
    append_row(ws, [f"{POPULATIONS[population][0]}：按{DIMENSIONS[dimension][0]}统计"])
    append_row(ws, [DIMENSIONS[dimension][0], "人数"])
    for row in rows:
        append_row(ws, row)
    append_row(ws, ["合计", sum(n for _, n in rows)])
    return workbook_bytes(wb)
