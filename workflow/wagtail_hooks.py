"""Rule sets and the working-day calendar in the admin (office only, by model permissions)."""

from django.contrib import messages
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import LOCKED_FIELDS, OfficialCalendarYear, RuleSet

# What a new revision starts from: the latest rule set's numbers and citation table (SPEC §2).
PREFILLED = [f for f in LOCKED_FIELDS if f not in ("name", "document_number", "valid_from")]


class RuleSetCreateView(snippet_views.CreateView):
    def get_initial_form_instance(self):
        latest = RuleSet.objects.order_by("-valid_from").first()
        if latest is None:
            return None
        return RuleSet(**{f: getattr(latest, f) for f in PREFILLED})


class RuleSetEditView(snippet_views.EditView):
    def get_context_data(self, **kwargs):
        if self.object.in_use:
            rounds = "、".join(str(r) for r in self.object.rounds.order_by("year"))
            messages.warning(
                self.request,
                f"本规则集已被评选批次（{rounds}）使用，数值和条款对照已锁定，保存时只接受“有效期至”的修改；"
                "更正规则须另立新的修订（新规则集）。",
            )
        return super().get_context_data(**kwargs)


class RuleSetViewSet(SnippetViewSet):
    model = RuleSet
    add_view_class = RuleSetCreateView
    edit_view_class = RuleSetEditView
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
