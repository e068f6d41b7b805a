"""What the public pages share: the segmented search text and Chinese dates."""

import datetime

from home.search import segment

DEMO_NOTE = "本页内容及其中人员、单位均为虚构，仅用于演示系统功能。"


def chinese_date(value: datetime.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


class SegmentedSearchMixin:
    """Adds a jieba-segmented copy of the page's text to the search index (see home.search)."""

    def search_text(self) -> str:
        return self.title

    def segmented_text(self) -> str:
        return segment(self.search_text())
