"""The role groups of SPEC §1 (workflow.roles); every role works in the Wagtail admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["推荐单位经办人", "区选拔管理工作办公室", "评审专家", "区人才工作领导小组", "网站编辑", "财政"]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for name in ROLES:
        Group.objects.get_or_create(name=name)[0].permissions.add(access_admin)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
