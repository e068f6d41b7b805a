from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from wagtail.models import Page

from .models import NoticePage


class NoticeFeed(Feed):
    feed_type = Atom1Feed
    title = "市中首席技师 · 通知公告"
    link = "/"
    subtitle = "市中区首席技师选拔管理：申报通知、公示与名单公布"

    def items(self):
        return NoticePage.live_notices().specific().order_by("-first_published_at")[:30]

    def item_title(self, item: Page):
        return f"【{item.kind_label}】{item.title}"

    def item_description(self, item: Page):
        return item.summary

    def item_link(self, item: Page):
        return item.full_url or item.url

    def item_pubdate(self, item: Page):
        return item.first_published_at

    def item_updateddate(self, item: Page):
        return item.last_published_at
