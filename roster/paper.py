"""Paper the office still needs: the filled 申报表 (Art 9(2)) and the 证书 (Art 9(6)), as .docx."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

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


def application_form(entry) -> bytes:
    person, unit = entry.person, entry.unit
    doc = Document()
    _chinese_font(doc)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"市中首席技师申报表（{entry.round.year}年度）")
    run.bold, run.font.size = True, Pt(18)
    rows = [
        ("姓名", person.name, "性别", person.gender),
        ("出生日期", f"{person.birth_date:%Y年%m月%d日}", "申报时年龄", f"{entry.age_on_call_date}周岁"),
        ("居民身份证号", person.id_number, "联系电话", person.phone),
        ("工作单位", person.employer or "（自由职业者）", "推荐单位", unit.name),
        ("职业（工种）", person.occupation, "职业资格等级", person.get_qualification_level_display()),
        ("职业资格证书编号", person.qualification_certificate, "取得日期", f"{person.qualification_date:%Y年%m月%d日}"),
        ("现从事岗位", entry.post, "从事本职业年限", f"{entry.years_in_occupation or ''}年"),
    ]
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text or "")
    sections = [
        ("主要技能专长", entry.specialty),
        ("获奖称号与津贴", "；".join(f"{h.title}（{h.awarded_on:%Y-%m}）" for h in entry.honours.all())),
        (
            "职业技能竞赛名次",
            "；".join(f"{c.name}第{c.rank}名（{c.held_on:%Y-%m}）" for c in entry.competition_results.all()),
        ),
        ("主要技术成果", "；".join(f"{i.title}（{i.kind}）" for i in entry.inventions.all())),
        ("传技带徒", "；".join(f"{a.name}：{a.achievement}" for a in entry.apprentices.all())),
        ("主要业绩", entry.achievements),
        ("推荐单位评议意见", entry.unit_opinion),
    ]
    for heading, text in sections:
        doc.add_paragraph().add_run(f"{heading}：").bold = True
        doc.add_paragraph(text or "无")
    doc.add_paragraph("")
    doc.add_paragraph("推荐单位（盖章）：                     负责人签字：              年    月    日")
    doc.add_paragraph("区选拔管理工作办公室审核意见（盖章）：                                  年    月    日")
    # PIPL Art 17: the applicant reads how the data are processed before signing.
    doc.add_paragraph().add_run("个人信息处理告知").bold = True
    for heading, text in privacy.notice("application", privacy.default_contact()):
        doc.add_paragraph(f"{heading}：{text}")
    doc.add_paragraph("本人已阅读上述告知，同意按上述方式处理本人个人信息。申报人签字：              年    月    日")
    doc.add_page_break()
    doc.add_paragraph().add_run("事迹材料").bold = True
    for line in (entry.deeds or "").splitlines() or [""]:
        doc.add_paragraph(line)
    return _save(doc)


def certificate(entry) -> bytes:
    doc = Document()
    _chinese_font(doc)
    for text, size, bold in (
        ("证  书", 36, True),
        ("", 12, False),
        (f"{entry.person.name}同志：", 18, False),
        (f"经评审认定，您被评为{entry.round.year}年度市中首席技师。", 18, False),
        (f"管理期限：{entry.term_start:%Y年%-m月%-d日}至{entry.term_end:%Y年%-m月%-d日}", 14, False),
        (f"证书编号：{entry.certificate_number}", 14, False),
        (f"公布文号：{entry.announcement_number}" if entry.announcement_number else "", 14, False),
        ("", 12, False),
        ("枣庄市市中区人民政府", 18, False),
        (f"{entry.announcement_date:%Y年%-m月%-d日}", 14, False),
    ):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if size >= 18 or bold else WD_ALIGN_PARAGRAPH.LEFT
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(size)
    return _save(doc)
