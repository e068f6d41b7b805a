"""Article citations of the measures (第十五条, 第九条第二项) and the Chinese numerals they are written in.

The one place that turns numbers into 一二三 and back; the policy importer, the policy page, the guards
and the 条款与规则对照 page all use it.
"""

import re

DIGITS = "零一二三四五六七八九"
NUMERAL = "[一二三四五六七八九十百]+"
CITATION = re.compile(rf"第({NUMERAL})条(?:第({NUMERAL})项)?")
# A citation of the measures inside a sentence; not one of another law (个人信息保护法第二十五条).
CITATION_IN_TEXT = re.compile(rf"(?<![法则例])第{NUMERAL}条(?:第{NUMERAL}项)?")
CITATION_EXACT = re.compile(rf"第{NUMERAL}条(?:第{NUMERAL}项)?")


def cite(table: dict[str, str], citation: str) -> str:
    """The citation in a revision whose citation table is `table` (SPEC §2, §11): the exact key; else the
    article mapped with its item kept (第九条第二项 → 第十条第二项 when only 第九条 → 第十条 is given);
    else the canonical citation unchanged."""
    if not citation or not table:
        return citation
    if citation in table:
        return table[citation]
    m = CITATION.fullmatch(citation)
    if m and m.group(2):
        article_part = f"第{m.group(1)}条"
        if article_part in table:
            return table[article_part] + citation[len(article_part) :]
    return citation


def cite_text(table: dict[str, str], text: str) -> str:
    """`text` with every citation of the measures in it cited by `table`."""
    if not table or not text:
        return text
    return CITATION_IN_TEXT.sub(lambda m: cite(table, m.group(0)), text)


def to_int(text: str) -> int:
    """一 → 1, 十七 → 17, 二十一 → 21, 一百零三 → 103."""
    digits = {c: i for i, c in enumerate(DIGITS)}
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = digits[ch]
    return total + current


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 17 → 十七, 21 → 二十一, 103 → 一百零三."""
    if n < 10:
        return DIGITS[n]
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        tail = "" if not rest else "零" + DIGITS[rest] if rest < 10 else ("一" if rest < 20 else "") + numeral(rest)
        return DIGITS[hundreds] + "百" + tail
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def article(number: int, item: int | None = None) -> str:
    """article(15) → 第十五条; article(9, 2) → 第九条第二项."""
    return f"第{numeral(number)}条" + (f"第{numeral(item)}项" if item else "")


def item(number: int) -> str:
    """item(3) → 第三项."""
    return f"第{numeral(number)}项"


def sort_key(citation: str) -> tuple:
    """Orders citations by article, then item; anything else after them."""
    m = CITATION.match(citation)
    if not m:
        return (999, 0, citation)
    return (to_int(m.group(1)), to_int(m.group(2)) if m.group(2) else 0, citation)
