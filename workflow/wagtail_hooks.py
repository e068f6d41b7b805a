"""Rule sets and the working-day calendar in the admin (office only, by model permissions)."""

from django.contrib import messages
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from .calendar_entry import CalendarEntryView
from .models import LOCKED_FIELDS, OfficialCalendarYear, RuleSet
from .powers import may

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


class EntryButtonMixin:
    """A header button to 按国务院通知录入, the usual way to enter a year."""

    entry_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.entry_url_name and may(self.request.user, "manage_rules"):
            buttons.append(HeaderButton("按国务院通知录入", url=reverse(self.entry_url_name), icon_name="doc-full"))
        return buttons


class CalendarIndexView(EntryButtonMixin, snippet_views.IndexView):
    pass


class CalendarCreateView(EntryButtonMixin, snippet_views.CreateView):
    pass


class CalendarEditView(snippet_views.EditView):
    def get_context_data(self, **kwargs):
        if self.request.method == "GET" and not self.object.published:
            messages.warning(
                self.request,
                f"{self.object.year}年日历尚未启用，不用于计算工作日。请逐条核对下列日期，无误后勾选“已核对并启用”并保存。",
            )
        if self.object.is_demo:
            messages.warning(
                self.request, "这是演示（非官方）安排，不是国务院办公厅公布的安排；按它计算的公示期会标明演示。"
            )
        return super().get_context_data(**kwargs)


class CalendarViewSet(SnippetViewSet):
    model = OfficialCalendarYear
    icon = "date"
    menu_label = "工作日历"
    list_display = ["year", "source", "nature", "status"]
    list_filter = ["published", "is_demo"]
    index_view_class = CalendarIndexView
    add_view_class = CalendarCreateView
    edit_view_class = CalendarEditView
    copy_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(entry_url_name=self.get_url_name("enter"), **kwargs)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(entry_url_name=self.get_url_name("enter"), **kwargs)

    @property
    def entry_view(self):
        return self.construct_view(CalendarEntryView, edit_url_name=self.get_url_name("edit"))

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("enter/", self.entry_view, name="enter")]


class RulesGroup(ViewSetGroup):
    menu_label = "规则与日历"
    menu_icon = "cogs"
    menu_order = 250
    items = (RuleSetViewSet, CalendarViewSet)


@hooks.register("register_admin_viewset")
def register_rules():
    return RulesGroup()
