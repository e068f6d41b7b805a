from wagtail.models import Page


class BarePage(Page):
    """The benchmark's reference: a page that renders only its title, so the figures show what Wagtail's
    routing and serving cost on their own. Editors cannot create it."""

    is_creatable = False
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "基准参照页"
