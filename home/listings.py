"""Publishing a 公示 or 名单公布 fixes its list (SPEC §3): on first publication the rows are stored as
the entries' snapshots; a notice whose list would be empty is not published."""

import logging

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.models import Page

from roster.models import Entry
from workflow.states import Status

from .models import PublicityListing, PublicityNoticePage
from .models.notices import ListedNotice

logger = logging.getLogger(__name__)
EMPTY = "名单为空，不能发布：{kind}名单在首次发布时按名册确定。请先在名册中完成相应环节，或检查所选评选批次。"


def fix_on_publish(sender, instance, **kwargs):
    """page_published: every way a page goes live (the editor, a workflow approval, the scheduler)."""
    page = instance.specific if not isinstance(instance, ListedNotice) else instance
    if not isinstance(page, ListedNotice) or page.listings.exists():
        return
    if page.fix_list() == 0:
        # A scheduled or approved publication has no request to refuse: take the empty notice down again.
        logger.warning("notice %s went live with an empty list; unpublished", page.pk)
        page.unpublish(log_action=True)
        return
    if isinstance(page, PublicityNoticePage):
        _follow_new_window(page)


def _follow_new_window(notice: PublicityNoticePage) -> None:
    """Entries already in district publicity that a new notice lists again take its window."""
    first_day = notice.window_first_day()
    listed = PublicityListing.objects.filter(notice=notice).values("entry_id")
    Entry.objects.filter(pk__in=listed, status=Status.DISTRICT_PUBLICITY).update(district_publicity_start=first_day)


@hooks.register("before_publish_page")
def refuse_empty_list(request, page):
    page = page.specific if not isinstance(page, ListedNotice) else page
    if isinstance(page, ListedNotice) and not page.listings.exists() and not page.entries_to_list().exists():
        messages.error(request, EMPTY.format(kind=page.kind_label))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


def publish_as_of(parent: Page, page: Page, when, entries=()) -> Page:
    """Adds `page` under `parent`, its list fixed to `entries`, published as of `when`: demo and test
    records of a round that went through its stages legally before today."""
    page.live = False
    parent.add_child(instance=page)
    if isinstance(page, ListedNotice):
        if not entries:
            return page  # a notice with an empty list stays a draft
        page.store_rows(entries)
    page.save_revision().publish()
    Page.objects.filter(pk=page.pk).update(first_published_at=when, last_published_at=when)
    page.first_published_at = page.last_published_at = when
    return page


def republish_list(notice, when, keep_rows: bool = False) -> None:
    """Test and demo set-up: fixes the notice's list from the roster now (or keeps the rows already
    given) and publishes it as of `when`."""
    if not keep_rows:
        notice.listings.all().delete()
        notice.fix_list()
    if not notice.live:
        notice.save_revision().publish()
    type(notice).objects.filter(pk=notice.pk).update(first_published_at=when, last_published_at=when)
    notice.first_published_at = notice.last_published_at = when
    notice.live = True
