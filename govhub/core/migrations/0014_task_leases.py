"""Task leases (docs/adr/0025-task-leases-and-cache-outages.md): the workers' heartbeats, an
index on django-tasks-db's table for finding RUNNING tasks (the lease check runs every half
lease), and the key that makes a notification once per person when its task runs twice."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0013_idempotency_key'),
        ('django_tasks_database', '0021_conditional_partial_index_ordering'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkerHeartbeat',
            fields=[
                ('worker_id', models.CharField(max_length=64, primary_key=True, serialize=False, verbose_name='worker')),
                ('host', models.CharField(blank=True, max_length=255, verbose_name='host')),
                ('pid', models.PositiveIntegerField(verbose_name='process id')),
                ('started_at', models.DateTimeField(verbose_name='started')),
                ('seen_at', models.DateTimeField(verbose_name='last seen')),
            ],
            options={
                'verbose_name': 'task worker',
                'verbose_name_plural': 'task workers',
            },
        ),
        migrations.AddField(
            model_name='notification',
            name='once_key',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(condition=models.Q(('once_key', ''), _negated=True), fields=('once_key', 'recipient'), name='notification_once'),
        ),
        migrations.AddIndex(
            model_name='workerheartbeat',
            index=models.Index(fields=['seen_at'], name='worker_heartbeat_seen'),
        ),
        # The library's model is not ours to change: the index is plain SQL (both engines).
        migrations.RunSQL(
            "CREATE INDEX govhub_task_running ON django_tasks_database_dbtaskresult "
            "(status, started_at)",
            reverse_sql="DROP INDEX govhub_task_running",
        ),
    ]
