"""Paper the office still needs: the filled 申报表 (Art 9(2)) and the 证书 (Art 9(6)), as .docx."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import privacy

FONT = "宋体"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _chinese_font(doc) -> None:
    """East Asian text needs its own font slot, or Word falls back to a Latin font."""
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _save(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def employer_text(person) -> str:
    """工作单位 as the form prints it: a freelancer says so; an employee's blank employer stays blank."""
    if person.is_freelancer:
        return f"{person.employer}（自由职业者）" if person.employer else "自由职业者"
    return person.employer


# The form's labels, in order: the filled form and the blank one of a call share them.
ROW_LABELS = [
    ("姓名", "性别"),
    ("出生日期", "申报时年龄"),
    ("居民身份证号", "联系电话"),
    ("工作单位", "推荐单位"),
    ("职业（工种）", "职业资格等级"),
    ("职业资格证书编号", "取得日期"),
    ("现从事岗位", "从事本职业年限"),
]
SECTION_LABELS = [
    "主要技能专长",
    "获奖称号与津贴",
    "职业技能竞赛名次",
    "主要技术成果",
    "传技带徒",
    "主要业绩",
    "推荐单位评议意见",
]
SIGNATURES = [
    "推荐单位（盖章）：                     负责人签字：              年    月    日",
    "区选拔管理工作办公室审核意见（盖章）：                                  年    月    日",
]
CONSENT = "本人已阅读上述告知，同意按上述方式处理本人个人信息。申报人签字：              年    月    日"


def _form(year: int, values: list[tuple], sections: list[str], deeds: list[str], photo, blank=False) -> dict:
    return {
        "blank": blank,
        "title": f"市中首席技师申报表（{year}年度）",
        "rows": [(a, va, b, vb) for (a, b), (va, vb) in zip(ROW_LABELS, values, strict=True)],
        "sections": list(zip(SECTION_LABELS, sections, strict=True)),
        "signatures": SIGNATURES,
        # PIPL Art 17: the applicant reads how the data are processed before signing.
        "privacy": privacy.notice("application", privacy.default_contact()),
        "consent": CONSENT,
        "deeds": deeds,
        "photo": photo,
    }


def application(entry, show_numbers: bool) -> dict:
    """The 申报表's content, read by the .docx and by the page staff read in the browser (one declaration).
    The numbers are masked unless this reader may see them."""
    person, unit = entry.person, entry.unit
    values = [
        (person.name, person.gender),
        (
            f"{person.birth_date:%Y年%m月%d日}" if show_numbers else "（不显示）",
            f"{entry.age_on_call_date}周岁",
        ),
        (
            person.id_number if show_numbers else person.masked_id_number,
            person.phone if show_numbers else person.masked_phone,
        ),
        (employer_text(person), unit.name),
        (person.occupation, person.get_qualification_level_display()),
        (person.qualification_certificate, f"{person.qualification_date:%Y年%m月%d日}"),
        (entry.post, f"{entry.years_in_occupation}年" if entry.years_in_occupation else ""),
    ]
    sections = [
        entry.specialty,
        "；".join(f"{h.title}（{h.awarded_on:%Y-%m}）" for h in entry.honours.all()),
        "；".join(f"{c.name}第{c.rank}名（{c.held_on:%Y-%m}）" for c in entry.competition_results.all()),
        "；".join(f"{i.title}（{i.kind}）" for i in entry.inventions.all()),
        "；".join(f"{a.name}：{a.achievement}" for a in entry.apprentices.all()),
        entry.achievements,
        entry.unit_opinion,
    ]
    return _form(entry.round.year, values, sections, (entry.deeds or "").splitlines(), person.photo)


def blank_application(year: int) -> dict:
    """The form a call offers for download, to be filled by hand: the same labels, empty."""
    return _form(year, [("", "")] * len(ROW_LABELS), [""] * len(SECTION_LABELS), [], None, blank=True)


def _a4(doc, margin_mm=25) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(margin_mm)


def _photo_cell(cell, photo) -> None:
    """A one-inch photo box: the person's photo when there is one, otherwise where to paste it."""
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if photo is not None:
        try:
            with photo.file.open("rb") as image:
                paragraph.add_run().add_picture(io.BytesIO(image.read()), width=Mm(25))
            return
        except (OSError, ValueError):
            pass  # a missing or unreadable image leaves the box for a paper photo
    paragraph.add_run("照片\n（一寸）")


def application_form(entry) -> bytes:
    return application_docx(application(entry, show_numbers=True))


def blank_application_form(year: int) -> bytes:
    return application_docx(blank_application(year))


def application_docx(data: dict) -> bytes:
    """A4, with the photo box; a blank form leaves room to write in each section."""
    doc = Document()
    _chinese_font(doc)
    _a4(doc)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(data["title"])
    run.bold, run.font.size = True, Pt(18)
    table = doc.add_table(rows=0, cols=5)
    table.style = "Table Grid"
    for row in data["rows"]:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=False):
            cell.text = str(text or "")
    # The fifth column of the first four rows is the photo box.
    photo = table.cell(0, 4).merge(table.cell(3, 4))
    _photo_cell(photo, data["photo"])
    for r in range(4, len(data["rows"])):
        table.cell(r, 3).merge(table.cell(r, 4))
        table.cell(r, 3).text = str(data["rows"][r][3] or "")
    for heading, text in data["sections"]:
        doc.add_paragraph().add_run(f"{heading}：").bold = True
        if data["blank"]:
            for _ in range(4):
                doc.add_paragraph("")
        else:
            doc.add_paragraph(text or "无")
    doc.add_paragraph("")
    for line in data["signatures"]:
        doc.add_paragraph(line)
    doc.add_paragraph().add_run("个人信息处理告知").bold = True
    for heading, text in data["privacy"]:
        doc.add_paragraph(f"{heading}：{text}")
    doc.add_paragraph(data["consent"])
    doc.add_page_break()
    doc.add_paragraph().add_run("事迹材料").bold = True
    for line in data["deeds"] or [""]:
        doc.add_paragraph(line)
    return _save(doc)


def _page_border(section) -> None:
    """A double frame around the certificate page (w:pgBorders; python-docx has no API for it)."""
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for side in ("top", "left", "bottom", "right"):
        border = OxmlElement(f"w:{side}")
        for key, value in (("val", "double"), ("sz", "18"), ("space", "24"), ("color", "B22222")):
            border.set(qn(f"w:{key}"), value)
        borders.append(border)
    section._sectPr.append(borders)


def certificate(entry) -> bytes:
    doc = Document()
    _chinese_font(doc)
    _a4(doc, margin_mm=30)
    _page_border(doc.sections[0])
    lines = [
        ("证  书", 36, True),
        ("", 12, False),
        (f"{entry.person.name}同志：", 18, False),
        (f"经评审认定，您被评为{entry.round.year}年度市中首席技师。", 18, False),
        (f"管理期限：{entry.term_start:%Y年%-m月%-d日}至{entry.term_end:%Y年%-m月%-d日}", 14, False),
        (f"证书编号：{entry.certificate_number}", 14, False),
        (f"公布文号：{entry.announcement_number}" if entry.announcement_number else "", 14, False),
        # Room for the seal, which overlaps the issuer's name and the date.
        ("", 12, False),
        ("", 12, False),
        ("", 12, False),
        ("枣庄市市中区人民政府", 18, False),
        ("（盖章）", 12, False),
        (f"{entry.announcement_date:%Y年%-m月%-d日}", 14, False),
    ]
    for text, size, bold in lines:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(size)
    return _save(doc)
