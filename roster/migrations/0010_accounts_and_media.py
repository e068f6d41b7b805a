"""The office manages staff accounts (roster.accounts); editors and the office upload documents and
images into the root collection (Wagtail checks collection permissions, not model permissions); the
groups Wagtail's own migrations leave behind (Moderators, Editors) are removed: the portal's roles are
the six groups of SPEC §1."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICE, EDITOR = "区选拔管理工作办公室", "网站编辑"
LEFTOVER_GROUPS = ("Moderators", "Editors")
MEDIA = {
    EDITOR: [("wagtailimages", c) for c in ("add_image", "change_image", "choose_image")]
    + [("wagtaildocs", c) for c in ("add_document", "change_document", "choose_document")],
    OFFICE: [("wagtailimages", c) for c in ("add_image", "change_image", "choose_image", "delete_image")]
    + [("wagtaildocs", c) for c in ("add_document", "change_document", "choose_document", "delete_document")],
}


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    def perm(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    office = Group.objects.get(name=OFFICE)
    office.permissions.add(perm("auth", "add_user"), perm("auth", "change_user"))
    Group.objects.filter(name__in=LEFTOVER_GROUPS).delete()
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    for group_name, perms in MEDIA.items():
        group = Group.objects.get(name=group_name)
        for app_label, codename in perms:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=perm(app_label, codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0009_objection_reply_and_lookup"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
