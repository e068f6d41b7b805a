"""Rule sets and the working-day calendar in the admin (office only, by model permissions)."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import OfficialCalendarYear, RuleSet


class RuleSetViewSet(SnippetViewSet):
    model = RuleSet
    icon = "cog"
    menu_label = "规则集"
    list_display = ["name", "document_number", "valid_from", "valid_until", "max_selected", "allowance_per_month"]
    inspect_view_enabled = True
    copy_view_enabled = False


class CalendarViewSet(SnippetViewSet):
    model = OfficialCalendarYear
    icon = "date"
    menu_label = "工作日历"
    list_display = ["year", "source", "published"]
    copy_view_enabled = False


class RulesGroup(ViewSetGroup):
    menu_label = "规则与日历"
    menu_icon = "cogs"
    menu_order = 250
    items = (RuleSetViewSet, CalendarViewSet)


@hooks.register("register_admin_viewset")
def register_rules():
    return RulesGroup()
