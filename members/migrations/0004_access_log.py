# The log of views and exports of members becomes the access log (issue 7.3): refused accesses
# and erasures too, with the object, the address and the client's IP. Every historical table
# gets the source of its changes (config/audit.py).

import config.sources
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="memberaccess", name="memberaccess_action_valid"),
        migrations.RenameModel(old_name="MemberAccess", new_name="AccessLog"),
        migrations.AlterModelOptions(
            name='accesslog',
            options={'ordering': ['-at'], 'verbose_name': 'access log entry', 'verbose_name_plural': 'access log'},
        ),
        migrations.AddField(
            model_name='accesslog',
            name='ip',
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address'),
        ),
        migrations.AddField(
            model_name='accesslog',
            name='object_id',
            field=models.CharField(blank=True, max_length=64, verbose_name='object id'),
        ),
        migrations.AddField(
            model_name='accesslog',
            name='object_type',
            field=models.CharField(blank=True, max_length=100, verbose_name='object type'),
        ),
        migrations.AddField(
            model_name='accesslog',
            name='path',
            field=models.CharField(blank=True, max_length=255, verbose_name='address'),
        ),
        migrations.AddField(
            model_name='historicalcandidate',
            name='history_source',
            field=models.CharField(blank=True, default=config.sources.current_source, max_length=100, verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalmember',
            name='history_source',
            field=models.CharField(blank=True, default=config.sources.current_source, max_length=100, verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalmemberevent',
            name='history_source',
            field=models.CharField(blank=True, default=config.sources.current_source, max_length=100, verbose_name='source'),
        ),
        migrations.AlterField(
            model_name='accesslog',
            name='action',
            field=models.CharField(choices=[('view', 'Viewed the detail page'), ('export', 'Exported'), ('denied', 'Refused access'), ('erased', 'Erased personal data')], max_length=8, verbose_name='action'),
        ),
        migrations.AddIndex(
            model_name='accesslog',
            index=models.Index(fields=['action', 'at'], name='members_acc_action_088124_idx'),
        ),
        migrations.AddConstraint(
            model_name='accesslog',
            constraint=models.CheckConstraint(condition=models.Q(('action__in', ['view', 'export', 'denied', 'erased'])), name='accesslog_action_valid', violation_error_message='A value outside the allowed choices was given.'),
        ),
    ]
