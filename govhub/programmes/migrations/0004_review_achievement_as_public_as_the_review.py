"""Recompute the achievement stored in every review from inputs at least as public as the
review itself: before, a public review could carry a figure of a restricted progress report
(issue 8, item 7). Inputs are those the review could have used when it was written."""

from dataclasses import asdict

from django.db import migrations, models

# Pure functions over plain data (no models), stable enough to call from a migration.
from govhub.programmes import outcomes

PUBLIC, RESTRICTED, DRAFT = "public", "restricted", "draft"


def _readable(visibility, organisation_id, commission):
    if visibility == PUBLIC:
        return models.Q(visibility=PUBLIC)
    readable = models.Q(visibility__in=(PUBLIC, RESTRICTED))
    if visibility == DRAFT:
        readable |= models.Q(visibility=DRAFT, organisation_id=organisation_id)
        if organisation_id in commission:
            readable |= models.Q(visibility=DRAFT)
    return readable


def recompute(apps, schema_editor):
    Contribution = apps.get_model("programmes", "Contribution")
    for review in Contribution.objects.filter(type="review").order_by("id").iterator():
        earlier = Contribution.objects.filter(programme_id=review.programme_id, pk__lt=review.pk)
        commission = {
            int(data["organisation_id"])
            for data in earlier.filter(step=2, type="commission_member").values_list(
                "data", flat=True
            )
        }
        rows = list(
            earlier.filter(
                _readable(review.visibility, review.organisation_id, commission),
                type__in=("objective", "adoption", "progress_report"),
            )
            .order_by("id")
            .values_list("id", "type", "title", "data", "created_at")
        )
        adoptions = [data for _id, kind, _t, data, _at in rows if kind == "adoption"]
        figures = outcomes.achievement(
            objectives=[(pk, t, data) for pk, kind, t, data, _at in rows if kind == "objective"],
            adopted_ids=set(adoptions[-1]["objective_ids"]) if adoptions else None,
            measurements=[
                (at.isoformat(), m)
                for _pk, kind, _t, data, at in rows
                if kind == "progress_report"
                for m in data.get("measurements", [])
            ],
        )
        data = dict(review.data or {})
        data["achievement"] = [asdict(row) for row in figures]
        data["achievement_visibility"] = review.visibility
        Contribution.objects.filter(pk=review.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_public_once_and_contribution_status")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
