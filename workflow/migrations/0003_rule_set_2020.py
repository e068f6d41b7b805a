"""The rule set of the 2020 measures (市中政办字〔2020〕33号, SPEC §2)."""

import datetime

from django.db import migrations


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("workflow", "RuleSet")
    RuleSet.objects.get_or_create(
        document_number="市中政办字〔2020〕33号",
        defaults={
            "name": "2020年市中首席技师选拔管理办法",
            "valid_from": datetime.date(2020, 12, 30),
            "valid_until": datetime.date(2025, 12, 31),
            "max_selected": 10,
            "interval_years": 2,
            "term_years": 4,
            "allowance_per_month": 200,
            "unit_publicity_days": 5,
            "district_publicity_days": 5,
            "age_limit": 50,
            "preferred_age": 45,
            "honours_lookback_years": 4,
            "min_qualification": 3,
            "narrative_chars": 1000,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
