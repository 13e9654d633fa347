"""Load the bundled indicator sets (stats/indicators/*.toml) and the default social cost."""

from types import SimpleNamespace

from django.db import migrations


def forwards(apps, schema_editor):
    from motcua.stats import definitions, social

    models = SimpleNamespace(
        IndicatorSet=apps.get_model("stats", "IndicatorSet"),
        Indicator=apps.get_model("stats", "Indicator"),
    )
    definitions.load_all(models=models)
    social.load_default(apps.get_model("stats", "SocialCost"))


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
