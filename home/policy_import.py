"""Reads a normative document in the plain-text form of the 2020 measures into a PolicyPage.

The form: the 文号, the issuing office, the notice title, the addressee, the notice body, the
signature and date, an optional disclosure note, the measures' title, then 第N章 headings, 第N条
articles and their （N） items (with numbered sub-items such as 1、). Word-processor artefacts such
as ``[bookmark: _Hlk…]`` are dropped; everything else is kept as written.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from workflow import articles

from .models import HomePage, PolicyPage

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
DOC_NUMBER = re.compile(r"^\S*〔\d{4}〕\d+号$")
CN_NUM = articles.NUMERAL
CHAPTER = re.compile(rf"^第({CN_NUM})章[\s\u3000]+(.+)$")
ARTICLE = re.compile(rf"^第({CN_NUM})条[\s\u3000]*(.*)$")
ITEM = re.compile(rf"^（{CN_NUM}）")
SUB_ITEM = re.compile(r"^\d+[、.．]")
DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
VALID_UNTIL = re.compile(r"有效期至(\d{4})年(\d{1,2})月(\d{1,2})日")


class PolicyFormatError(ValueError):
    pass


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
    def effective_until(self) -> datetime.date | None:
        for chapter in self.chapters:
            for article in chapter["articles"]:
                m = VALID_UNTIL.search(article["text"])
                if m:
                    return datetime.date(*map(int, m.groups()))
        return None

    def stream(self) -> list[tuple[str, dict]]:
        return [("chapter", c) for c in self.chapters]


def clean_lines(text: str) -> list[str]:
    lines = []
    for raw in text.splitlines():
        line = BOOKMARK.sub("", raw).strip().lstrip("\ufeff")
        if line:
            lines.append(line)
    return lines


def parse_policy(text: str) -> ParsedPolicy:
    lines = clean_lines(text)
    doc = ParsedPolicy()
    first_chapter = next((i for i, line in enumerate(lines) if CHAPTER.match(line)), None)
    if first_chapter is None or first_chapter < 2:
        raise PolicyFormatError("未找到“第一章”，文件格式不符。")
    head, rest = lines[: first_chapter - 1], lines[first_chapter:]
    doc.title = lines[first_chapter - 1]
    _parse_head(doc, head)
    _parse_body(doc, rest)
    if not doc.chapters:
        raise PolicyFormatError("未找到任何章节。")
    return doc


def _parse_head(doc: ParsedPolicy, head: list[str]) -> None:
    remaining = list(head)
    if remaining and DOC_NUMBER.match(remaining[0]):
        doc.document_number = remaining.pop(0)
    if not doc.document_number:
        raise PolicyFormatError("首行应为文号（如“市中政办字〔2020〕33号”）。")
    doc.issuer = remaining.pop(0) if remaining else ""
    body: list[str] = []
    for line in remaining:
        if not doc.notice_title and line.endswith("通知"):
            doc.notice_title = line
        elif not doc.addressee and line.endswith("：") and doc.notice_title:
            doc.addressee = line
        elif DATE.match(line):
            doc.written_date = datetime.date(*map(int, DATE.match(line).groups()))
        elif line.startswith("（") and line.endswith("）") and doc.written_date:
            doc.disclosure_note = line
        elif line == doc.issuer and body:
            doc.signature = line
        else:
            body.append(line)
    doc.notice_body = body
    if not doc.written_date:
        raise PolicyFormatError("印发通知中未找到成文日期（如“2020年12月30日”）。")


def _parse_body(doc: ParsedPolicy, lines: list[str]) -> None:
    chapter = article = None
    for line in lines:
        if m := CHAPTER.match(line):
            chapter = {"number": articles.to_int(m.group(1)), "title": m.group(2).strip(), "articles": []}
            doc.chapters.append(chapter)
            article = None
        elif m := ARTICLE.match(line):
            if chapter is None:
                raise PolicyFormatError(f"条文出现在任何章之前：{line[:20]}")
            article = {"number": articles.to_int(m.group(1)), "text": m.group(2), "items": []}
            chapter["articles"].append(article)
        elif article is None:
            raise PolicyFormatError(f"无法归入任何条的文字：{line[:20]}")
        elif ITEM.match(line):
            article["items"].append(line)
        elif SUB_ITEM.match(line) and article["items"]:
            article["items"][-1] += "\n" + line
        elif article["items"]:
            article["items"][-1] += "\n" + line
        else:
            article["text"] += "\n" + line


@transaction.atomic
def import_policy(path: Path, publish_date: datetime.date | None = None, user=None) -> tuple[PolicyPage, bool]:
    """Creates or updates (matched by 文号) the policy page under the home page; publishes it."""
    doc = parse_policy(path.read_text(encoding="utf-8"))
    page = PolicyPage.objects.filter(document_number=doc.document_number).first()
    created = page is None
    if created:
        home = HomePage.objects.first()
        if home is None:
            raise PolicyFormatError("站点尚无首页，请先运行 manage.py load_demo。")
        year, number = re.search(r"〔(\d{4})〕(\d+)号", doc.document_number).groups()
        page = PolicyPage(title=doc.title, slug=f"policy-{year}-{number}")
    page.title = doc.title
    page.issuer = doc.issuer
    page.document_number = doc.document_number
    page.written_date = doc.written_date
    page.publish_date = page.publish_date or publish_date or doc.written_date
    page.effective_from = page.publish_date
    page.effective_until = doc.effective_until
    page.notice_title = doc.notice_title
    page.addressee = doc.addressee
    page.notice_body = "\n".join(doc.notice_body)
    page.signature = doc.signature
    page.disclosure_note = doc.disclosure_note
    page.body = doc.stream()
    page.source_file = path.name
    if created:
        home.add_child(instance=page)
    page.save_revision(user=user, log_action=True).publish(user=user)
    return page, created
