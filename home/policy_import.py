"""Reads a normative document in the plain-text form of the 2020 measures into a PolicyPage.

The form: the 文号, the issuing office, the notice title, the addressee, the notice body, the
signature and date, an optional disclosure note, the measures' title, then 第N章 headings, 第N条
articles and their （N） items (with numbered sub-items such as 1、). Word-processor artefacts such
as ``[bookmark: _Hlk…]`` are dropped; everything else is kept as written. A .docx is read paragraph by
paragraph into the same form.
"""

import codecs
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import docx
from django.core.exceptions import ValidationError
from django.db import transaction
from docx.opc.exceptions import PackageNotFoundError

from workflow import articles
from workflow.models import RuleSet

from .models import HomePage, PolicyPage

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
DOC_NUMBER = re.compile(r"^\S*〔\d{4}〕\d+号$")
CN_NUM = articles.NUMERAL
# The space after 第N章 is optional: without it the heading would silently join the article above.
CHAPTER = re.compile(rf"^第({CN_NUM})章[\s\u3000]*(.+)$")
ARTICLE = re.compile(rf"^第({CN_NUM})条[\s\u3000]*(.*)$")
ITEM = re.compile(rf"^（{CN_NUM}）")
DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
VALID_UNTIL = re.compile(r"有效期至(\d{4})年(\d{1,2})月(\d{1,2})日")
IN_FORCE_FROM = re.compile(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起施行")
SUFFIXES = (".txt", ".docx")


class PolicyImportError(ValueError):
    """The text was not imported; the message says why, in Chinese, for the office."""


class PolicyFormatError(PolicyImportError):
    pass


class NumberingLocked(PolicyImportError):
    """SPEC §2: the rule set of this 文号 is in use, so its article numbering may not change."""


class Line(NamedTuple):
    number: int  # as an editor counts lines: blank lines included
    text: str

    def quoted(self) -> str:
        text = self.text if len(self.text) <= 30 else self.text[:30] + "……"
        return f"第{self.number}行“{text}”"


@dataclass
class ParsedPolicy:
    document_number: str = ""
    issuer: str = ""
    notice_title: str = ""
    addressee: str = ""
    notice_body: list[str] = field(default_factory=list)
    signature: str = ""
    written_date: datetime.date | None = None
    disclosure_note: str = ""
    title: str = ""
    chapters: list[dict] = field(default_factory=list)

    @property
    def effective_from(self) -> datetime.date | None:
        """The day the text says it takes effect (自…起施行); None when it takes effect on publication."""
        for article in self.articles():
            m = IN_FORCE_FROM.search(article["text"])
            if m:
                return datetime.date(*map(int, m.groups()))
        return None

    @property
    def effective_until(self) -> datetime.date | None:
        for chapter in self.chapters:
            for article in chapter["articles"]:
                m = VALID_UNTIL.search(article["text"])
                if m:
                    return datetime.date(*map(int, m.groups()))
        return None

    def stream(self) -> list[tuple[str, dict]]:
        return [("chapter", c) for c in self.chapters]

    def articles(self) -> list[dict]:
        return [a for c in self.chapters for a in c["articles"]]


def read_source(name: str, data: bytes) -> str:
    """The text of an uploaded or stored file: a .docx paragraph by paragraph, anything else as text."""
    if name.lower().endswith(".docx"):
        try:
            document = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise PolicyFormatError(
                "无法读取该 Word 文档，请确认是 .docx 格式（旧版 .doc 请先另存为 .docx）。"
            ) from exc
        return "\n".join(p.text for p in document.paragraphs)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's “Unicode”
        return data.decode("utf-16")
    if b"\x00" in data:
        raise PolicyFormatError("该文件不是纯文本文件，请上传 .txt 或 .docx 文件。")
    for encoding in ("utf-8-sig", "gb18030"):  # Notepad's “ANSI” on a Chinese Windows is GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PolicyFormatError("无法识别文件的文字编码，请将文本另存为 UTF-8 编码后再上传。")


def clean_lines(text: str) -> list[Line]:
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = BOOKMARK.sub("", raw).strip().lstrip("\ufeff").strip()
        if line:
            lines.append(Line(number, line))
    return lines


def parse_policy(text: str) -> ParsedPolicy:
    lines = clean_lines(text)
    doc = ParsedPolicy()
    first_chapter = next((i for i, line in enumerate(lines) if CHAPTER.match(line.text)), None)
    if first_chapter is None:
        raise PolicyFormatError("未找到“第一章”这样的章标题，文件格式不符。")
    if first_chapter < 2:
        raise PolicyFormatError(f"{lines[first_chapter].quoted()}之前应有文号、印发通知和办法标题。")
    head, rest = lines[: first_chapter - 1], lines[first_chapter:]
    doc.title = lines[first_chapter - 1].text
    _parse_head(doc, head)
    _parse_body(doc, rest)
    return doc


def _date(line: Line, m: re.Match) -> datetime.date:
    try:
        return datetime.date(*map(int, m.groups()))
    except ValueError as exc:
        raise PolicyFormatError(f"{line.quoted()}：日期“{m.group(0)}”不存在。") from exc


def _parse_head(doc: ParsedPolicy, head: list[Line]) -> None:
    if not DOC_NUMBER.match(head[0].text):
        raise PolicyFormatError(f"{head[0].quoted()}：首行应为文号（如“市中政办字〔2020〕33号”）。")
    doc.document_number = head[0].text
    remaining = head[1:]
    doc.issuer = remaining.pop(0).text if remaining else ""
    body: list[str] = []
    for line in remaining:
        text = line.text
        if not doc.notice_title and text.endswith("通知"):
            doc.notice_title = text
        elif not doc.addressee and text.endswith("：") and doc.notice_title:
            doc.addressee = text
        elif m := DATE.match(text):
            doc.written_date = _date(line, m)
        elif text.startswith("（") and text.endswith("）") and doc.written_date:
            doc.disclosure_note = text
        elif text == doc.issuer and body:
            doc.signature = text
        else:
            body.append(text)
    doc.notice_body = body
    if not doc.written_date:
        raise PolicyFormatError(
            f"印发通知（第{head[0].number}行至第{head[-1].number}行）中未找到单独成行的成文日期（如“2020年12月30日”）。"
        )


def _parse_body(doc: ParsedPolicy, lines: list[Line]) -> None:
    chapter = article = None
    starts: list[tuple[dict, Line]] = []  # each chapter and article with the line that opens it
    for line in lines:
        text = line.text
        for pattern in (VALID_UNTIL, IN_FORCE_FROM):
            if m := pattern.search(text):
                _date(line, m)
        if m := CHAPTER.match(text):
            number = articles.to_int(m.group(1))
            if number != len(doc.chapters) + 1:
                expected = f"第{articles.numeral(len(doc.chapters) + 1)}章"
                raise PolicyFormatError(f"{line.quoted()}：章号不连续，此处应为{expected}。")
            chapter = {"number": number, "title": m.group(2).strip(), "articles": []}
            doc.chapters.append(chapter)
            starts.append((chapter, line))
            article = None
        elif m := ARTICLE.match(text):
            number = articles.to_int(m.group(1))
            expected = len(doc.articles()) + 1
            if number != expected:
                raise PolicyFormatError(f"{line.quoted()}：条号不连续，此处应为{articles.article(expected)}。")
            article = {"number": number, "text": m.group(2), "items": []}
            chapter["articles"].append(article)
            starts.append((article, line))
        elif article is None:
            raise PolicyFormatError(f"{line.quoted()}无法归入任何条：章标题之后应紧接“第×条”。")
        elif ITEM.match(text):
            article["items"].append(text)
        elif article["items"]:
            article["items"][-1] += "\n" + text  # a sub-item (1、) or the item's next paragraph
        else:
            article["text"] = f"{article['text']}\n{text}" if article["text"] else text
    for part, line in starts:
        if part.get("articles") == []:
            raise PolicyFormatError(f"{line.quoted()}：本章之下没有任何条。")
        if "text" in part and not part["text"]:
            raise PolicyFormatError(f"{line.quoted()}：条文为空，条号之后应有条文。")


def numbering(chapters: list[dict]) -> list[tuple[int, int]]:
    """What citations point at: each article's number and how many items it has."""
    return [(a["number"], len(a["items"])) for c in chapters for a in c["articles"]]


def numbering_change(old: list[dict], new: list[dict]) -> str:
    """How `new` numbers the articles differently from `old`, in words; "" when it does not."""
    before, after = dict(numbering(old)), dict(numbering(new))
    changes = []
    if len(after) != len(before):
        changes.append(f"条数由{len(before)}条变为{len(after)}条")
    for number in sorted(set(before) & set(after)):
        if before[number] != after[number]:
            changes.append(f"{articles.article(number)}的项数由{before[number]}项变为{after[number]}项")
    return "，".join(changes)


def check_numbering(doc: ParsedPolicy) -> None:
    """Refuses a text that renumbers the articles of a 文号 whose rule set a round uses (SPEC §2)."""
    page = PolicyPage.objects.filter(document_number=doc.document_number).first()
    rule_set = RuleSet.objects.filter(document_number=doc.document_number).first()
    if page is None or rule_set is None or not rule_set.in_use:
        return
    change = numbering_change(page.chapters, doc.chapters)
    if change:
        raise NumberingLocked(
            f"规则集《{rule_set.name}》已被评选批次使用，其条款编号已锁定；新文本{change}，不能导入。"
            "更正条款编号须作为新的修订（新文号）导入。"
        )


def policy_slug(document_number: str, parent) -> str:
    """A readable address from the 文号: 市中政办字〔2020〕33号 → policy-2020-33 (-2, -3 … when taken)."""
    year, number = re.search(r"〔(\d{4})〕(\d+)号", document_number).groups()
    base = slug = f"policy-{year}-{number}"
    taken = set(parent.get_children().values_list("slug", flat=True))
    suffix = 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def import_policy(
    path: Path, publish_date: datetime.date | None = None, user=None, publish: bool = True
) -> tuple[PolicyPage, bool]:
    """Reads a .txt or .docx file and saves it as the policy page of its 文号 (see save_policy)."""
    doc = parse_policy(read_source(path.name, path.read_bytes()))
    return save_policy(doc, path.name, publish_date=publish_date, user=user, publish=publish)


@transaction.atomic
def save_policy(
    doc: ParsedPolicy, source_name: str, publish_date: datetime.date | None = None, user=None, publish: bool = True
) -> tuple[PolicyPage, bool]:
    """Creates or updates (matched by 文号) the policy page under the home page. With publish=False the text
    is saved as a draft for the office to review; a new page then stays unpublished."""
    check_numbering(doc)
    page = PolicyPage.objects.filter(document_number=doc.document_number).first()
    created = page is None
    if created:
        home = HomePage.objects.first()
        if home is None:
            raise PolicyImportError("站点尚无首页，请先运行 manage.py load_demo。")
        page = PolicyPage(title=doc.title, slug=policy_slug(doc.document_number, home), live=publish)
    page.title = doc.title
    page.issuer = doc.issuer
    page.document_number = doc.document_number
    page.written_date = doc.written_date
    page.publish_date = page.publish_date or publish_date or doc.written_date
    page.effective_from = doc.effective_from or page.publish_date
    page.effective_until = doc.effective_until
    page.notice_title = doc.notice_title
    page.addressee = doc.addressee
    page.notice_body = "\n".join(doc.notice_body)
    page.signature = doc.signature
    page.disclosure_note = doc.disclosure_note
    page.body = doc.stream()
    page.source_file = source_name
    try:
        if created:
            home.add_child(instance=page)
        revision = page.save_revision(user=user, log_action=True)
    except ValidationError as exc:
        raise PolicyImportError(_validation_text(exc)) from exc
    if publish:
        revision.publish(user=user)
    return page, created


def _validation_text(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return "；".join(exc.messages)
    labels = {f.name: str(f.verbose_name) for f in PolicyPage._meta.get_fields() if hasattr(f, "verbose_name")}
    return "；".join(
        f"{labels[name]}：{message}" if name in labels else message
        for name, errors in exc.message_dict.items()
        for message in errors
    )
