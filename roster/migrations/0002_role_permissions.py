"""Model permissions of each role on the roster (rows are narrowed in roster.permissions; every other
power is in workflow.powers)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("add", "change", "view", "delete")
GRANTS = {
    "推荐单位经办人": {
        "roster": [
            "add_person",
            "change_person",
            "view_person",
            "add_entry",
            "change_entry",
            "view_entry",
            "view_unit",
            "view_round",
            "add_revocationevidence",
            "view_revocationevidence",
        ],
    },
    "区选拔管理工作办公室": {
        "roster": [
            *(
                f"{verb}_{model}"
                for model in ("unit", "person", "round", "entry", "objection", "expertscore", "staffprofile")
                for verb in CRUD
            ),
            "add_trackingevaluation",
            "change_trackingevaluation",
            "view_trackingevaluation",
            "add_allowancerun",
            "change_allowancerun",
            "view_allowancerun",
            "approve_allowancerun",
            "download_allowancerun",
            "view_allowanceline",
            "add_revocationevidence",
            "view_revocationevidence",
        ],
        "workflow": [
            f"{verb}_{model}"
            for model in ("ruleset", "officialcalendaryear", "officialcalendarday")
            for verb in ("add", "change", "view")
        ],
    },
    "评审专家": {"roster": ["view_entry", "add_expertscore", "change_expertscore", "view_expertscore"]},
    "区人才工作领导小组": {"roster": ["view_entry", "view_round", "view_unit"]},
    "财政": {"roster": ["view_allowancerun", "download_allowancerun", "view_allowanceline"]},
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
        group = Group.objects.get(name=group_name)
        for app_label, codenames in by_app.items():
            perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            missing = set(codenames) - set(perms.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"missing permissions: {sorted(missing)}")
            group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("roster", "0001_initial"), ("workflow", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
