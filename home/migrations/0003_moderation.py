"""What editors and the office may do with pages, documents, images and the site settings, and the
moderation workflow: an editor's page goes live only after the selection office approves it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WORKFLOW_NAME = "网站内容审核"
TASK_NAME = "区选拔管理工作办公室审核"


def ensure_permissions(apps):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def perm(apps, app_label, codename):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    editor, office = Group.objects.get(name="网站编辑"), Group.objects.get(name="区选拔管理工作办公室")
    media_perms = [
        perm(apps, "wagtaildocs", c) for c in ("add_document", "change_document", "choose_document")
    ] + [perm(apps, "wagtailimages", c) for c in ("add_image", "change_image", "choose_image")]
    settings_perm = perm(apps, "home", "change_sitechrome")
    for group in (editor, office):
        group.permissions.add(*media_perms)
    office.permissions.add(settings_perm, perm(apps, "wagtaildocs", "delete_document"))

    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    page_perms = {
        editor: ["add_page", "change_page"],
        office: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "delete_page"],
    }
    for group, codenames in page_perms.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=perm(apps, "wagtailcore", codename)
            )

    task_ct, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_ct, active=True)
    task.groups.add(office)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_initial"),
        ("workflow", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
