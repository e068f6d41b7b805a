"""Staff accounts managed by the office without a superuser (SPEC §1): real name, role and, for a
推荐单位经办人, its unit. The office gives any role but its own, never makes a superuser, and neither
sees nor edits superusers and office accounts (no one raises their own powers through this form)."""

from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as user_views

from workflow import roles

from .idnumber import validate_mobile
from .models import StaffProfile, Unit, unit_id_of


def assignable_roles(user) -> list[str]:
    if user.is_superuser:
        return list(roles.ALL_ROLES)
    if roles.OFFICE in roles.user_roles(user):
        return [r for r in roles.ALL_ROLES if r != roles.OFFICE]
    return []


def managed_users(user, queryset):
    """The accounts `user` may manage: every account for a superuser; for the office, those that are
    neither superusers nor office accounts."""
    if user.is_superuser:
        return queryset
    return queryset.filter(is_superuser=False).exclude(groups__name=roles.OFFICE).exclude(pk=user.pk)


class StaffAccountFields:
    """Real name required, roles limited to what the editing user may give, and the unit of a
    推荐单位经办人 (kept in its StaffProfile)."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        self.fields["last_name"].label, self.fields["first_name"].label = "姓", "名"
        self.fields["last_name"].required = self.fields["first_name"].required = True
        groups = self.fields["groups"]
        groups.queryset = Group.objects.filter(name__in=assignable_roles(for_user)).order_by("pk")
        groups.label, groups.help_text = "角色", "按《办法》第一章的分工选择；一个账号通常只有一个角色。"
        if not for_user.is_superuser:
            # Only a superuser makes another one (Wagtail's form would let anyone who adds users do it).
            self.fields["is_superuser"].disabled = True
        self.fields["unit"] = forms.ModelChoiceField(
            Unit.objects.order_by("name"),
            required=False,
            label="所属推荐单位",
            empty_label="（不属于推荐单位）",
            help_text="推荐单位经办人必填：其只能看到和办理本单位的申报。",
        )
        self.fields["mobile"] = forms.CharField(
            required=False,
            label="手机号码",
            max_length=11,
            validators=[validate_mobile],
            help_text="选择以短信接收提醒时使用；只在本页显示。",
        )
        if self.instance.pk:
            self.fields["unit"].initial = unit_id_of(self.instance)
            self.fields["mobile"].initial = (
                StaffProfile.objects.filter(user=self.instance).values_list("mobile", flat=True).first()
            )

    def clean(self):
        data = super().clean()
        names = {g.name for g in data.get("groups") or []}
        if roles.RECOMMENDER in names and not data.get("unit"):
            self.add_error("unit", "推荐单位经办人须选择所属推荐单位。")
        if not names and not data.get("is_superuser"):
            self.add_error("groups", "请至少选择一个角色。")
        return data

    def save(self, commit=True):
        user = super().save(commit=commit)
        recommender = any(g.name == roles.RECOMMENDER for g in self.cleaned_data.get("groups") or [])
        StaffProfile.objects.update_or_create(
            user=user,
            defaults={
                "unit": self.cleaned_data.get("unit") if recommender else None,
                "mobile": self.cleaned_data.get("mobile", ""),
            },
        )
        user.__dict__.pop("_portal_unit_id", None)
        return user


class StaffCreationForm(StaffAccountFields, UserCreationForm):
    pass


class StaffEditForm(StaffAccountFields, UserEditForm):
    pass


class ForUser:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class ManagedOnly:
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not managed_users(self.request.user, type(obj)._default_manager.filter(pk=obj.pk)).exists():
            raise PermissionDenied("只有系统管理员可以修改此账号。")
        return obj


class StaffIndexView(user_views.IndexView):
    def get_base_queryset(self):
        return managed_users(self.request.user, super().get_base_queryset())


class StaffCreateView(ForUser, user_views.CreateView):
    pass


class StaffEditView(ForUser, ManagedOnly, user_views.EditView):
    pass


class StaffDeleteView(ManagedOnly, user_views.DeleteView):
    pass


class StaffHistoryView(ManagedOnly, user_views.HistoryView):
    pass


class StaffUserViewSet(user_views.UserViewSet):
    menu_label = "用户与角色"
    index_view_class = StaffIndexView
    add_view_class = StaffCreateView
    edit_view_class = StaffEditView
    delete_view_class = StaffDeleteView
    history_view_class = StaffHistoryView

    def get_form_class(self, for_update=False):
        return StaffEditForm if for_update else StaffCreationForm
