from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "区选拔管理工作办公室": [
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
    "推荐单位经办人": ["add_revocationevidence", "view_revocationevidence"],
    "财政": ["view_allowancerun", "download_allowancerun", "view_allowanceline"],
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        perms = Permission.objects.filter(content_type__app_label="roster", codename__in=codenames)
        assert perms.count() == len(codenames), name
        Group.objects.get(name=name).permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("roster", "0003_term_management")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
