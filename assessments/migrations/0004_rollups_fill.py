"""Fill the rollups of a database that already holds units (a fresh one has none: nothing to do).
The same as ``manage.py rebuild_rollups``, which repairs them at any time."""

from django.db import migrations


def fill(apps, schema_editor):
    if not apps.get_model("orgs", "Organisation").objects.exists():
        return
    from assessments.rollups import assessment_rollups_rebuild
    from orgs.rollups import unit_rollups_rebuild

    unit_rollups_rebuild()
    assessment_rollups_rebuild()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_rollups"), ("orgs", "0002_rollups")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
