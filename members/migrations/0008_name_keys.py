"""The name keys of members and candidates (config/names.py): the search without
diacritics and the Vietnamese order. Rows on record get their keys here, before the indexes
are built on them."""

import config.names
from django.db import migrations, models

MODELS = ("Member", "Candidate", "HistoricalMember", "HistoricalCandidate")


def fill_keys(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("members", name)
        rows = model.objects.only("pk", "full_name").order_by("pk")
        batch = []
        for row in rows.iterator(chunk_size=2000):
            row.search_key, row.sort_key = config.names.name_keys(row.full_name)
            batch.append(row)
            if len(batch) == 2000:
                model.objects.bulk_update(batch, ["search_key", "sort_key"])
                batch = []
        model.objects.bulk_update(batch, ["search_key", "sort_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_edit_version"),
        ("organizations", "0007_edit_version"),
        ("unions", "0002_history_source"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="candidate",
            options={
                "ordering": ["sort_key", "pk"],
                "verbose_name": "outstanding candidate",
                "verbose_name_plural": "outstanding candidates",
            },
        ),
        migrations.AlterModelOptions(
            name="member",
            options={
                "ordering": ["sort_key", "pk"],
                "verbose_name": "Party member",
                "verbose_name_plural": "Party members",
            },
        ),
        migrations.RemoveIndex(
            model_name="candidate",
            name="candidate_name_key_idx",
        ),
        migrations.RemoveIndex(
            model_name="member",
            name="member_name_key_idx",
        ),
        migrations.RemoveIndex(
            model_name="member",
            name="member_org_name_key_idx",
        ),
        migrations.AddField(
            model_name="candidate",
            name="search_key",
            field=config.names.NameKeyField(kind="search", source="full_name"),
        ),
        migrations.AddField(
            model_name="candidate",
            name="sort_key",
            field=config.names.NameKeyField(kind="sort", source="full_name"),
        ),
        migrations.AddField(
            model_name="historicalcandidate",
            name="search_key",
            field=config.names.NameKeyField(kind="search", source="full_name"),
        ),
        migrations.AddField(
            model_name="historicalcandidate",
            name="sort_key",
            field=config.names.NameKeyField(kind="sort", source="full_name"),
        ),
        migrations.AddField(
            model_name="historicalmember",
            name="search_key",
            field=config.names.NameKeyField(kind="search", source="full_name"),
        ),
        migrations.AddField(
            model_name="historicalmember",
            name="sort_key",
            field=config.names.NameKeyField(kind="sort", source="full_name"),
        ),
        migrations.AddField(
            model_name="member",
            name="search_key",
            field=config.names.NameKeyField(kind="search", source="full_name"),
        ),
        migrations.AddField(
            model_name="member",
            name="sort_key",
            field=config.names.NameKeyField(kind="sort", source="full_name"),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(
                fields=["sort_key", "id"],
                include=("search_key", "organization"),
                name="candidate_sort_key_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(fields=["search_key"], name="candidate_search_key_idx"),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                fields=["sort_key", "id"],
                include=("search_key", "organization", "status", "gender", "admitted_on"),
                name="member_sort_key_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                fields=["organization", "sort_key", "id"],
                include=("search_key", "status", "gender", "admitted_on"),
                name="member_org_sort_key_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["search_key"], name="member_search_key_idx"),
        ),
    ]
