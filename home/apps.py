from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "门户网站"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import cache, listings

        # Before the cache is bumped: the list is part of what was published.
        page_published.connect(listings.fix_on_publish, dispatch_uid="notice-list-fixed")
        page_published.connect(cache.bump, dispatch_uid="public-cache-published")
        page_unpublished.connect(cache.bump, dispatch_uid="public-cache-unpublished")
        post_page_move.connect(cache.bump, dispatch_uid="public-cache-moved")
        for label in (
            "roster.Entry",
            "roster.Person",
            "roster.Unit",
            "roster.Round",
            "home.SiteChrome",
            "wagtailcore.Page",
            "wagtailcore.PageViewRestriction",
            "wagtailcore.Site",
            # Publicity windows are counted in working days under these rules.
            "workflow.RuleSet",
            "workflow.OfficialCalendarYear",
            "workflow.OfficialCalendarDay",
        ):
            post_save.connect(cache.bump, sender=label, dispatch_uid=f"public-cache-save-{label}")
            post_delete.connect(cache.bump, sender=label, dispatch_uid=f"public-cache-delete-{label}")
