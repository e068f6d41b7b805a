"""Spreadsheets for the office: the talent pool (Art 11) and a round's candidates."""

from openpyxl.styles import Font

from workflow.states import NEGATIVE_STATES, Status

from .spreadsheets import append_row, new_workbook, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLED_OR_PASSED = [
    Status.ACTIVE,
    Status.BENEFITS_STOPPED,
    Status.TERM_ENDED,
    Status.TERM_PASSED,
    Status.REVOCATION_PENDING,
]


def _workbook(title: str, header: list[str], rows) -> bytes:
    wb, ws = new_workbook(title)
    append_row(ws, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    count = 0
    for row in rows:
        append_row(ws, row)
        count += 1
    append_row(ws, [f"合计 {count} 人"])
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = 16
    return workbook_bytes(wb)


def talent_pool(entries, with_numbers: bool) -> bytes:
    """The roster of chief technicians for the district talent pool (Art 11)."""
    header = [
        "姓名",
        "性别",
        "工作单位",
        "职业（工种）",
        "职业资格等级",
        "批次",
        "证书编号",
        "管理期起",
        "管理期止",
        "状态",
    ]
    if with_numbers:
        header += ["居民身份证号", "联系电话"]
    entries = entries.filter(status__in=TITLED_OR_PASSED).select_related("person", "unit", "round")

    def rows():
        for e in entries.order_by("round__year", "certificate_number"):
            row = [
                e.person.name,
                e.person.gender,
                e.unit.name,
                e.person.occupation,
                e.person.get_qualification_level_display(),
                f"{e.round.year}年度",
                e.certificate_number,
                e.term_start,
                e.term_end,
                e.get_status_display(),
            ]
            if with_numbers:
                row += [e.person.id_number, e.person.phone]
            yield row

    return _workbook("市中首席技师名册", header, rows())


def round_candidates(round_, entries, with_numbers: bool) -> bytes:
    header = ["姓名", "性别", "推荐单位", "职业（工种）", "职业资格等级", "申报时年龄", "状态", "事迹摘要"]
    if with_numbers:
        header += ["居民身份证号", "联系电话"]
    entries = entries.filter(round=round_).exclude(status=Status.DRAFT).select_related("person", "unit", "round")

    def rows():
        for e in entries.order_by("unit__name", "person__name"):
            row = [
                e.person.name,
                e.person.gender,
                e.unit.name,
                e.person.occupation,
                e.person.get_qualification_level_display(),
                e.age_on_call_date,
                e.get_status_display() + ("（未通过）" if e.status in NEGATIVE_STATES else ""),
                e.deeds_summary,
            ]
            if with_numbers:
                row += [e.person.id_number, e.person.phone]
            yield row

    return _workbook(f"{round_.year}年度候选人", header, rows())
