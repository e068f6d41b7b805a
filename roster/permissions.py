"""Who sees which roster rows (SPEC §1): model permissions come from the role groups; these rules
narrow them to rows. A 推荐单位经办人 sees only its own unit's persons and entries; an expert only the
entries of rounds it is assigned to, from qualification on."""

from wagtail.permission_policies.base import ModelPermissionPolicy

from workflow import roles
from workflow.powers import may
from workflow.states import Status

from .models import APPLICATION_EDITABLE_STATES, Entry, Person, Round, Unit, unit_id_of

S = Status
REVIEW_STATES = [S.QUALIFIED, S.SHORTLISTED, S.NOT_SELECTED]


def visible_entries(user, queryset=None):
    queryset = Entry.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if may(user, "see_all_rows"):
        return queryset
    mine = roles.user_roles(user)
    if roles.RECOMMENDER in mine:
        return queryset.filter(unit_id=unit_id_of(user))
    if roles.EXPERT in mine:
        return queryset.filter(round__experts=user, status__in=REVIEW_STATES)
    return queryset.none()


def visible_persons(user, queryset=None):
    queryset = Person.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if may(user, "see_all_rows"):
        return queryset
    if roles.RECOMMENDER in roles.user_roles(user):
        return queryset.filter(unit_id=unit_id_of(user))
    return queryset.none()


def visible_units(user, queryset=None):
    queryset = Unit.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if may(user, "see_all_rows"):
        return queryset
    if roles.RECOMMENDER in roles.user_roles(user):
        return queryset.filter(pk=unit_id_of(user))
    return queryset.none()


def visible_rounds(user, queryset=None):
    queryset = Round.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if may(user, "see_all_rows") or roles.RECOMMENDER in roles.user_roles(user):
        return queryset
    if roles.EXPERT in roles.user_roles(user):
        return queryset.filter(experts=user)
    return queryset.none()


VISIBLE = {Entry: visible_entries, Person: visible_persons, Unit: visible_units, Round: visible_rounds}


class RowPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, limited to the rows the user may see; an entry's application is changed only
    while it is editable (SPEC §6), a person's only while none of its applications is under way."""

    def _visible(self, user, queryset=None):
        return VISIBLE[self.model](user, queryset)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        if not self._visible(user).filter(pk=instance.pk).exists():
            return False
        if set(actions) <= {"change", "delete"}:
            return self.changeable(user, instance)
        return True

    def changeable(self, user, instance):
        """Whether a row the user sees may be changed in its current state (no visibility check)."""
        if isinstance(instance, Entry):
            return instance.status in APPLICATION_EDITABLE_STATES
        if isinstance(instance, Person) and not may(user, "correct_person"):
            return not instance.application_locked()
        return True

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        return self._visible(user)
