# API tokens expire (issue 8, item 13). Tokens made before this migration expire
# GOVHUB_TOKEN_DAYS after they were created.

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def _set_expiry(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    days = timedelta(days=getattr(settings, "GOVHUB_TOKEN_DAYS", 90))
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + days)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(_set_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
    ]
