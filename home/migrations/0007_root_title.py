"""The tree's root page is named in Chinese: staff see its title in the page explorer (Wagtail's
own migration calls it "Root")."""

from django.db import migrations


def forwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="Root").update(title="全部站点", draft_title="全部站点")


class Migration(migrations.Migration):
    dependencies = [("home", "0006_policy_editing")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
