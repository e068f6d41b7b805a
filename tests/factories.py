"""factory_boy factories (SPEC §11)."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from workflow import roles


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user; `role=` names a group of SPEC §1 (e.g. roles.OFFICE)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.django.Password("pw-test-123")

    @classmethod
    def _create(cls, model_class, *args, role=None, **kwargs):
        if role is not None and role not in roles.ALL_ROLES:
            raise ValueError(f"unknown role: {role}")
        user = super()._create(model_class, *args, **kwargs)
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user
