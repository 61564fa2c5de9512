"""Scores' category subtotals stored as the API sends them: strings with two decimals.

The API passes the stored list through; scores computed before kept ``str(Decimal)`` ("0",
"12.5"). Rewriting them here also keeps the next recomputation from taking a change of form for
a change of result.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations


def two_places(value) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"


def forwards(apps, schema_editor):
    Score = apps.get_model("assessments", "Score")
    changed = []
    for score in Score.objects.only("pk", "categories").iterator(chunk_size=2000):
        categories = [
            {"code": c["code"], "name": c["name"], "points": two_places(c["points"]), "score": two_places(c["score"])}
            for c in score.categories or []
        ]
        if categories != score.categories:
            score.categories = categories
            changed.append(score)
        if len(changed) >= 1000:
            Score.objects.bulk_update(changed, ["categories"])
            changed = []
    Score.objects.bulk_update(changed, ["categories"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_ledgerline_top_share_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
