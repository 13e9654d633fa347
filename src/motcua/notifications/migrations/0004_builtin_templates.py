"""The built-in wording of every kind of message (notifications/defaults.py); an edited
template is never overwritten, and kinds added later are created on first use."""

from django.db import migrations


def create_templates(apps, schema_editor):
    from motcua.notifications.services import ensure_templates

    ensure_templates(apps.get_model("notifications", "MessageTemplate"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_templates_messages_preferences")]

    operations = [migrations.RunPython(create_templates, migrations.RunPython.noop)]
