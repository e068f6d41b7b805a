"""The roster in the Wagtail admin: viewsets with filters and row-level limits, and the entry page."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from workflow.powers import may
from workflow.states import BADGE_COLOURS, Status

from . import idnumber
from .admin_forms import valid_id
from .audit import PersonalDataAccess, record_access
from .models import Entry, Person, Round, Unit
from .permissions import VISIBLE, RowPermissionPolicy, visible_rounds
from .views.entries import entry_context


class RowScoped:
    """Object views answer 404 for rows the user may not see (SPEC §1: never another unit's record)."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not VISIBLE[self.model](self.request.user).filter(pk=obj.pk).exists():
            raise Http404("没有这条记录，或您无权查看。")
        return obj


def scoped(view_class):
    return type(f"Scoped{view_class.__name__}", (RowScoped, view_class), {})


class ReadableInspect(RowScoped, snippet_views.InspectView):
    """是/否 for yes-or-no fields and a dash for empty ones (Wagtail prints True, False and None)."""

    def get_field_display_value(self, field_name, field):
        if field is not None and field.many_to_one and getattr(self.object, field.attname, None) is None:
            return "—"  # an empty image or relation (Wagtail's image display prints None)
        value = super().get_field_display_value(field_name, field)
        if value is True or value is False:
            return "是" if value else "否"
        return "—" if value is None or value in ("", "None") else value


class ChangeScoped(RowScoped):
    """Edit and delete only what the user may change now (the application only in draft and returned)."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        policy = RowPermissionPolicy(self.model)
        if not policy.user_has_permission_for_instance(self.request.user, self.permission_required, obj):
            raise PermissionDenied("当前状态下不能修改此记录（申报材料只能在草稿或退回补正状态下修改，第九条第二项）。")
        return obj


class PersonalNumberColumn(Column):
    """Masked in every list, for every role: the full number is on the record page (SPEC §8)."""

    def __init__(self, name, masker, **kwargs):
        super().__init__(name, **kwargs)
        self.masker = masker

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = self.masker(context["raw_value"] or "")
        return context


PERSONAL_NUMBERS = {"id_number": idnumber.mask, "phone": idnumber.mask_phone}


class PersonInspectView(ReadableInspect):
    """The record page: full numbers for whoever may see them (and the view is logged), masked otherwise."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if field_name in PERSONAL_NUMBERS and not may(self.request.user, "see_personal_numbers", self.object):
            return PERSONAL_NUMBERS[field_name](getattr(self.object, field_name) or "")
        if field_name == "bank_account" and value != "—" and not may(self.request.user, "keep_payee_data"):
            return self.object.masked_bank_account
        return value

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if may(self.request.user, "see_personal_numbers", self.object):
            record_access(self.request, PersonalDataAccess.Kind.VIEW, f"技能人才记录：{self.object}", self.object)
        return context


class PersonEditView(ChangeScoped, snippet_views.EditView):
    """The edit form holds the full numbers: each time it is shown, the view is logged."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record_access(self.request, PersonalDataAccess.Kind.VIEW, f"编辑技能人才：{self.object}", self.object)
        return context


class YesNoColumn(Column):
    """是/否 instead of True/False."""

    def get_value(self, instance):
        return "是" if super().get_value(instance) else "否"


class StatusBadgeColumn(Column):
    cell_template_name = "roster/admin/status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["label"] = instance.get_status_display()
        context["colour"] = BADGE_COLOURS.get(instance.status, "grey")
        return context


class ScopedChooserRows:
    """A chooser lists only the rows the user may see, and never creates a row (the portal's forms use
    plain selects; a record is made through its own add view, where the rules apply)."""

    def get_object_list(self):
        return VISIBLE[self.model_class](self.request.user, super().get_object_list())

    def can_create(self):
        return False


class ScopedChosen(chooser_views.SnippetChosenView):
    def get_object(self, pk):
        return VISIBLE[self.model_class](self.request.user).get(pk=valid_id(pk) or 0)


class ScopedChosenMultiple(chooser_views.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return VISIBLE[self.model_class](self.request.user).filter(pk__in=[i for i in map(valid_id, pks) if i])


class NoChooserCreate(chooser_views.SnippetCreateView):
    def can_create(self):
        return False


class RosterChooserViewSet(chooser_views.SnippetChooserViewSet):
    choose_view_class = type("ScopedChooseView", (ScopedChooserRows, chooser_views.ChooseView), {})
    choose_results_view_class = type(
        "ScopedChooseResultsView", (ScopedChooserRows, chooser_views.ChooseResultsView), {}
    )
    chosen_view_class = ScopedChosen
    chosen_multiple_view_class = ScopedChosenMultiple
    create_view_class = NoChooserCreate


class RowListView(snippet_views.IndexView):
    """A row offers 修改 and 删除 only when the user may change that row now (an entry only in draft or
    returned): the list never leads to a refusal."""

    def _row_changeable(self, instance):
        # Asked for 修改 and for 删除 of each row: once per row (a person's answer is a query).
        cache = self.__dict__.setdefault("_changeable", {})
        if instance.pk not in cache:
            cache[instance.pk] = RowPermissionPolicy(self.model).changeable(self.request.user, instance)
        return cache[instance.pk]

    def get_edit_url(self, instance):
        url = super().get_edit_url(instance)
        return url if url and self._row_changeable(instance) else None

    def get_delete_url(self, instance):
        url = super().get_delete_url(instance)
        return url if url and self._row_changeable(instance) else None


class RosterViewSet(SnippetViewSet):
    """Row limits on every view of a roster model."""

    chooser_viewset_class = RosterChooserViewSet
    index_view_class = RowListView

    edit_view_class = type("ScopedEditView", (ChangeScoped, snippet_views.EditView), {})
    delete_view_class = type("ScopedDeleteView", (ChangeScoped, snippet_views.DeleteView), {})
    history_view_class = scoped(snippet_views.HistoryView)
    usage_view_class = scoped(snippet_views.UsageView)
    inspect_view_class = ReadableInspect
    copy_view_enabled = False

    def get_queryset(self, request):
        return VISIBLE[self.model](request.user, self.model._default_manager.all())


class UnitViewSet(RosterViewSet):
    model = Unit
    icon = "group"
    menu_label = "推荐单位"
    list_display = ["name", "kind", "industry", YesNoColumn("banned", label="已取消申报资格")]
    list_filter = ["kind", "industry", "banned"]
    search_fields = ["name"]
    # A plain match on the name: Chinese names are not segmented.
    search_backend_name = None
    inspect_view_enabled = True


class PersonViewSet(RosterViewSet):
    model = Person
    icon = "user"
    menu_label = "技能人才"
    list_display = [
        "name",
        "gender",
        PersonalNumberColumn("id_number", idnumber.mask, label="居民身份证号"),
        PersonalNumberColumn("phone", idnumber.mask_phone, label="联系电话"),
        "unit",
        "occupation",
        "qualification_level",
    ]
    list_filter = ["unit", "qualification_level", "is_freelancer"]
    search_fields = ["name"]
    # A plain match on the name: Chinese names are not segmented.
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = PersonInspectView
    # The keyed hash of the ID number is for matching, not for reading.
    inspect_view_fields_exclude = ["id_key"]
    edit_view_class = PersonEditView


class RoundLinksColumn(Column):
    cell_template_name = "roster/admin/round_links_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        user = parent_context["request"].user
        context["overview_url"] = reverse("roster_round_overview", args=(instance.pk,))
        # Only the links this user may follow (the review and the export check these powers).
        context["review_url"] = (
            reverse("roster_round_review", args=(instance.pk,)) if may(user, "view_round_review") else ""
        )
        context["export_url"] = (
            reverse("roster_round_export", args=(instance.pk,)) if may(user, "export_roster") else ""
        )
        return context


class RoundInspectView(ReadableInspect):
    """Who the experts are is known to the office and the leading group only (never to units)."""

    def get_fields(self):
        fields = super().get_fields()
        return fields if may(self.request.user, "see_experts") else [f for f in fields if f != "experts"]


class RoundViewSet(RosterViewSet):
    model = Round
    icon = "date"
    menu_label = "评选批次"
    list_display = [
        "__str__",
        "rule_set",
        "quota",
        "call_date",
        "application_deadline",
        RoundLinksColumn("links", label="概况、评审与导出", accessor="pk"),
    ]
    inspect_view_enabled = True
    inspect_view_class = RoundInspectView


class EntryInspectView(RowScoped, snippet_views.InspectView):
    template_name = "roster/admin/entry_inspect.html"

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        return Entry.objects.select_related("round__rule_set", "person", "unit").get(pk=obj.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(entry_context(self.request, self.object))
        return context


def _visible_rounds(request):
    return visible_rounds(request.user) if request else Round.objects.none()


class EntryFilterSet(WagtailFilterSet):
    """Filter choices limited to what the user may see."""

    round = django_filters.ModelChoiceFilter(queryset=_visible_rounds, label="评选批次")
    # A text filter: a list of every unit (a thousand and more) made each page slow to render and to use.
    unit = django_filters.CharFilter(field_name="unit__name", lookup_expr="icontains", label="推荐单位名称包含")
    status = django_filters.ChoiceFilter(choices=Status.choices, label="状态")

    class Meta:
        model = Entry
        fields = ["round", "unit", "status"]


class EntryListView(RowListView):
    """Each row opens the entry page (the workbench of every role), whatever the user may change."""

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        return self._get_title_column_class(column_class)(
            "person",
            label="申报人",
            accessor="person.name",
            sort_key="person__name",
            get_url=self.get_inspect_url,
            get_title_id=lambda instance: f"snippet_{instance.pk}_title",
        )


class EntryViewSet(RosterViewSet):
    model = Entry
    icon = "form"
    menu_label = "申报记录"
    index_view_class = EntryListView
    inspect_view_enabled = True
    inspect_view_class = EntryInspectView
    list_display = [
        "person",
        "unit",
        "round",
        StatusBadgeColumn("status", label="状态"),
        Column("submission_note", label="上报日期"),
        "updated_at",
    ]
    filterset_class = EntryFilterSet
    # Plain database lookups across the relations (the search index does not span them).
    search_fields = ["person__name", "unit__name"]
    search_backend_name = None
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "unit", "round")


class RosterGroup(ViewSetGroup):
    menu_label = "首席技师名册"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (EntryViewSet, PersonViewSet, UnitViewSet, RoundViewSet)
