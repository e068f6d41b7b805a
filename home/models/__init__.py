"""The public pages of the portal (Wagtail), one module per kind; what the public may see of the roster
is decided in home.public."""

from .base import DEMO_NOTE, SegmentedSearchMixin, chinese_date
from .home_page import HomePage
from .notices import (
    CallNoticePage,
    NoticeIndexPage,
    NoticePage,
    PublicityListing,
    PublicityNoticePage,
    ResultsListing,
    ResultsNoticePage,
)
from .policy import ArticleBlock, ChapterBlock, PolicyPage
from .roster_page import RosterPage
from .site import SiteChrome

__all__ = [
    "DEMO_NOTE",
    "ArticleBlock",
    "CallNoticePage",
    "ChapterBlock",
    "HomePage",
    "NoticeIndexPage",
    "NoticePage",
    "PolicyPage",
    "PublicityListing",
    "PublicityNoticePage",
    "ResultsListing",
    "ResultsNoticePage",
    "RosterPage",
    "SegmentedSearchMixin",
    "SiteChrome",
    "chinese_date",
]
