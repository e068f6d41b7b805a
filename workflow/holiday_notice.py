"""Reading the State Council's notice of a year's holidays (国务院办公厅关于YYYY年部分节假日安排的通知).

Only the numbered items carry the schedule, e.g.
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
The preamble and the closing paragraphs are skipped. Every sentence of an item that names a date must be
understood in full; anything else is refused with its line number, never guessed (SPEC §3).
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from .dates import EARLIEST, LATEST

ONE_DAY = datetime.timedelta(days=1)
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
WEEKDAY_NAMES = "一二三四五六日"

NUMERAL = "一二三四五六七八九十"
# After NFKC normalisation: full-width colon, comma and brackets have become ASCII.
ITEM = re.compile(rf"^([{NUMERAL}]{{1,3}})[、.]\s*([^:。]{{1,20}}?)\s*:(.*)$")
LOOKS_LIKE_ITEM = re.compile(rf"^[{NUMERAL}]{{1,3}}[、.]")
# A pasted web page may run the whole notice into one line: split it after a full stop before the next
# item ("二、春节:"), the closing paragraph and the signature with its date.
ITEM_BREAK = re.compile(rf"(?<=。)\s*(?=[{NUMERAL}]{{1,3}}、[^:。]{{1,20}}:|节假日期间|国务院办公厅\s*\d{{4}}年)")
DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日")
# The 上班 sentence of an item put on a line of its own.
CONTINUATION = re.compile(r"^(?:\d{4}年)?\d{1,2}[月日].*上班。?$")
RANGE = ("至", "-", "~", "—", "–")
SEPARATORS = ("、", ",", "和", "及")
STATED_DAYS = re.compile(r"共(\d+)天|^(\d+)天$")
WEEKDAY_SAID = re.compile(r"(?:周|星期)([一二三四五六日天])")
PARENTHESES = re.compile(r"\([^()]*\)")


class NoticeUnreadable(Exception):
    """The text cannot be read as a holiday notice; `problems` are Chinese sentences naming the lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class _LineError(Exception):
    pass


@dataclass
class Item:
    line: int
    text: str
    festival: str
    holidays: list[datetime.date] = field(default_factory=list)
    workdays: list[datetime.date] = field(default_factory=list)
    stated_days: int | None = None

    @property
    def where(self) -> str:
        return f"第{self.line}行（{self.festival}）"


@dataclass
class Day:
    date: datetime.date
    kind: str  # "holiday" / "workday", as OfficialCalendarDay.Kind
    note: str

    @property
    def weekday(self) -> str:
        return "周" + WEEKDAY_NAMES[self.date.weekday()]

    @property
    def label(self) -> str:
        return f"{self.date.month}月{self.date.day}日（{self.weekday}）"

    @property
    def on_weekend(self) -> bool:
        return self.date.weekday() >= 5


@dataclass
class Schedule:
    year: int
    title: str
    document_number: str
    items: list[Item]
    days: list[Day]  # dates of `year` only, in date order
    warnings: list[str]

    @property
    def source(self) -> str:
        text = f"{self.title}（{self.document_number}）" if self.document_number else self.title
        return text[:200]

    @property
    def holidays(self) -> list[Day]:
        return [d for d in self.days if d.kind == "holiday"]

    @property
    def workdays(self) -> list[Day]:
        return [d for d in self.days if d.kind == "workday"]

    def is_workday(self, day: datetime.date) -> bool:
        for d in self.days:
            if d.date == day:
                return d.kind == "workday"
        return day.weekday() < 5

    @property
    def working_days(self) -> int:
        """Working days in the whole year under this schedule (about 250: a quick plausibility check)."""
        exceptions = {d.date: d.kind == "workday" for d in self.days}
        day, count = datetime.date(self.year, 1, 1), 0
        while day.year == self.year:
            count += exceptions.get(day, day.weekday() < 5)
            day += ONE_DAY
        return count

    @property
    def weekday_holidays(self) -> int:
        return sum(not d.on_weekend for d in self.holidays)

    def months(self) -> list[dict]:
        """The preview's rows: each month with a date, its holidays and its adjusted working days."""
        rows: dict[int, dict] = {}
        for d in self.days:
            row = rows.setdefault(d.date.month, {"month": d.date.month, "holiday": [], "workday": []})
            row[d.kind].append(d)
        return [rows[m] for m in sorted(rows)]


def _normalise(line: str) -> str:
    return unicodedata.normalize("NFKC", line).strip()


def notice_year(text: str) -> int | None:
    """The year the notice is about, from its title or its opening sentence (not from its signing date)."""
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    years = set(re.findall(r"关于(\d{4})年部分节假日安排", flat)) | set(re.findall(r"现将(\d{4})年", flat))
    if len(years) > 1:
        raise NoticeUnreadable([f"通知中出现了多个年份（{'、'.join(sorted(years))}），请只粘贴一份通知。"])
    return int(years.pop()) if years else None


def _title_and_number(text: str, year: int) -> tuple[str, str]:
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    title = f"国务院办公厅关于{year}年部分节假日安排的通知"
    match = re.search(r"国办发明电[〔\[【(](\d{4})[〕\]】)](\d+)号", flat)
    return title, f"国办发明电〔{match[1]}〕{match[2]}号" if match else ""


def _dates(text: str, year: int) -> list[datetime.date]:
    """Every date named in `text`, a list such as “2月14日、2月28日” or ranges such as “5月31日至6月2日”."""
    if not text:
        raise _LineError("未写明日期")
    dates: list[datetime.date] = []
    pos, month, current_year, range_from = 0, None, year, None
    while True:
        match = DATE.match(text, pos)
        if not match:
            raise _LineError(f"无法识别“{text[pos:] or text}”中的日期")
        if match[1]:
            current_year = int(match[1])
        if match[2]:
            month = int(match[2])
        if month is None:
            raise _LineError(f"“{match[0]}”缺少月份")
        try:
            day = datetime.date(current_year, month, int(match[3]))
        except ValueError:
            raise _LineError(f"“{match[0]}”不是有效的日期") from None
        if range_from is None:
            dates.append(day)
        else:
            if day <= range_from:
                raise _LineError(f"日期范围的结束日（{day.month}月{day.day}日）不在开始日之后")
            if (day - range_from).days > 31:
                raise _LineError("日期范围超过一个月，请核对")
            following = range_from + ONE_DAY
            while following <= day:
                dates.append(following)
                following += ONE_DAY
            range_from = None
        pos = match.end()
        if text.startswith("(", pos):
            # “（周四）”, “（农历除夕、周二）”: a weekday that disagrees means a wrong year or a typo.
            close = text.find(")", pos)
            said = WEEKDAY_SAID.search(text[pos:close])
            if said and WEEKDAY_NAMES.index(said[1].replace("天", "日")) != day.weekday():
                raise _LineError(
                    f"通知写{day.month}月{day.day}日是周{said[1].replace('天', '日')}，"
                    f"而{day.year}年{day.month}月{day.day}日是周{WEEKDAY_NAMES[day.weekday()]}，请核对年份和日期"
                )
            pos = close + 1
        if pos == len(text):
            if range_from is not None:
                raise _LineError("日期范围缺少结束日")
            return dates
        connector = text[pos]
        if connector in RANGE:
            if range_from is not None:
                raise _LineError(f"无法识别“{text}”中的日期范围")
            range_from = day
        elif connector not in SEPARATORS:
            raise _LineError(f"无法识别“{text[pos:]}”")
        pos += 1


def _read_item(item: Item, body: str, year: int) -> None:
    """Fill `item` from the text after “元旦：”."""
    body = re.sub(r"\s+", "", body)
    if "(" in PARENTHESES.sub("", body) or ")" in PARENTHESES.sub("", body):
        raise _LineError("括号不配对")
    for clause in filter(None, re.split(r"[。;]", body)):
        # Brackets hold weekdays and lunar dates (checked by _dates) or asides such as “除夕（2月9日）”.
        plain = PARENTHESES.sub("", clause)
        if "放假" in plain:
            before, _, after = clause.partition("放假")
            item.holidays += _dates(before, year)
            for part in filter(None, PARENTHESES.sub("", after).split(",")):
                if part.endswith("上班"):
                    item.workdays += _dates(part[:-2], year)
                elif DATE.search(part):
                    raise _LineError(f"无法识别“{part}”")
                elif stated := STATED_DAYS.search(part):
                    item.stated_days = int(stated[1] or stated[2])
        elif plain.endswith("上班"):
            item.workdays += _dates(clause.removesuffix("上班"), year)
        elif DATE.search(plain):
            raise _LineError(f"无法识别“{plain}”：既不是放假日期，也不是上班日期")
    if not item.holidays:
        raise _LineError("未找到放假日期（应写作“1月1日至3日放假”）")


def _items(text: str, year: int) -> tuple[list[Item], list[str]]:
    items: list[Item] = []
    problems: list[str] = []
    open_item: tuple[Item, list[str]] | None = None

    def close():
        nonlocal open_item
        if open_item is None:
            return
        item, parts = open_item
        open_item = None
        try:
            _read_item(item, "".join(parts), year)
        except _LineError as exc:
            problems.append(f"第{item.line}行“{item.text}”：{exc}。")
        else:
            items.append(item)

    for number, raw in enumerate(text.splitlines(), start=1):
        segments = ITEM_BREAK.split(_normalise(raw))
        for segment in segments:
            segment = segment.strip()
            # Messages quote the line as pasted, or the item alone when the line holds several.
            quoted = (raw.strip() if len(segments) == 1 else segment)[:80]
            if not segment:
                close()
                continue
            if match := ITEM.match(segment):
                close()
                item = Item(line=number, text=quoted, festival=match[2].strip())
                open_item = (item, [match[3]])
            elif LOOKS_LIKE_ITEM.match(segment):
                close()
                problems.append(f"第{number}行“{quoted}”：应写作“一、元旦：1月1日放假……”（节日名称后加冒号）。")
            elif open_item and (not "".join(open_item[1]).endswith("。") or CONTINUATION.match(segment)):
                # A wrapped line, or the 上班 sentence put on a line of its own.
                open_item[1].append(segment)
            else:
                close()  # preamble or closing paragraph
    close()
    return items, problems


def parse(text: str, year: int | None = None) -> Schedule:
    """The schedule in the notice `text`. `year` is the year typed by the office, if any; the notice's
    title must agree with it. Raises NoticeUnreadable naming every line that could not be read."""
    titled = notice_year(text or "")
    if year and titled and year != titled:
        raise NoticeUnreadable([f"填写的年份（{year}年）与通知标题中的年份（{titled}年）不一致。"])
    year = year or titled
    if not year:
        raise NoticeUnreadable(["未能从通知标题中读出年份，请填写年份。"])
    if not EARLIEST.year <= year <= LATEST.year:
        raise NoticeUnreadable([f"年份须在{EARLIEST.year}年至{LATEST.year}年之间。"])

    items, problems = _items(text or "", year)
    if not items and not problems:
        problems.append("未找到节假日安排条目（如“一、元旦：1月1日至3日放假调休，共3天。”），请粘贴通知全文。")

    holidays: dict[datetime.date, Item] = {}
    workdays: dict[datetime.date, Item] = {}
    warnings: list[str] = []
    for item in items:
        for day in item.holidays:
            if day in holidays and holidays[day] is not item:
                warnings.append(f"{item.where}：{day.month}月{day.day}日在{holidays[day].where}中已列为放假。")
            holidays.setdefault(day, item)
        for day in item.workdays:
            workdays.setdefault(day, item)
    for day in sorted(holidays.keys() & workdays.keys()):
        problems.append(
            f"{workdays[day].where}：{day.month}月{day.day}日在{holidays[day].where}中列为放假，"
            "又被列为上班日，请核对通知原文。"
        )
    if problems:
        raise NoticeUnreadable(problems)

    for item in items:
        listed = len(set(item.holidays))
        if item.stated_days is not None and item.stated_days != listed:
            warnings.append(f"{item.where}：通知写“共{item.stated_days}天”，列出的放假日期却是{listed}天，请核对。")
        for day in item.workdays:
            if day.weekday() < 5:
                warnings.append(
                    f"{item.where}：上班日{day.month}月{day.day}日是周{WEEKDAY_NAMES[day.weekday()]}，"
                    "本来就是工作日，请核对。"
                )
    named = "、".join(i.festival for i in items)
    missing = [f for f in FESTIVALS if f not in named]
    if missing:
        warnings.append(f"通知中没有{'、'.join(missing)}的安排，请核对是否完整粘贴。")

    days = []
    for kind, dates in (("holiday", holidays), ("workday", workdays)):
        for day, item in dates.items():
            if day.year == year:
                days.append(Day(day, kind, item.festival[:50]))
                continue
            # A New Year holiday may start in December of the year before: that year's calendar keeps it.
            harmless = (kind == "holiday") == (day.weekday() >= 5)
            warnings.append(
                f"{item.where}：{day.year}年{day.month}月{day.day}日不属于{year}年，不录入本年度日历"
                + ("（该日本来就是周末或工作日，不影响计算）。" if harmless else f"；请在{day.year}年的日历中补录。")
            )
    days.sort(key=lambda d: d.date)
    title, number = _title_and_number(text, year)
    return Schedule(year=year, title=title, document_number=number, items=items, days=days, warnings=warnings)
