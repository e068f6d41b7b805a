"""Model permissions of each role on the roster (row-level limits are applied in roster.permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "推荐单位经办人": {
        "roster": ["add_person", "change_person", "view_person", "add_entry", "change_entry", "view_entry", "view_unit", "view_round"],
    },
    "区选拔管理工作办公室": {
        "roster": [
            f"{verb}_{model}"
            for model in ("unit", "person", "round", "entry", "objection", "expertscore", "staffprofile")
            for verb in ("add", "change", "view", "delete")
        ]
        + ["view_personal_numbers"],
        "workflow": [
            f"{verb}_{model}"
            for model in ("ruleset", "officialcalendaryear", "officialcalendarday")
            for verb in ("add", "change", "view")
        ],
    },
    "评审专家": {"roster": ["view_entry", "add_expertscore", "change_expertscore", "view_expertscore"]},
    "区人才工作领导小组": {"roster": ["view_entry", "view_round", "view_unit"]},
    "财政": {},
    "网站编辑": {},
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, by_app in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codenames in by_app.items():
            perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            missing = set(codenames) - set(perms.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"missing permissions: {sorted(missing)}")
            group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0001_initial"),
        ("workflow", "0002_rule_set_2020"),
        ("home", "0002_roles_and_moderation"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
