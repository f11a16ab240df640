"""UN E-Government Survey results: Member States, editions and each country's scores."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    """A UN Member State with the classifications the Survey groups it by."""

    iso3 = models.CharField(_("ISO 3166 alpha-3 code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    m49 = models.CharField(_("UN M49 code"), max_length=3, blank=True)
    region = models.CharField(_("region"), max_length=60)
    subregion = models.CharField(_("sub-region"), max_length=60)
    # NULL, not "": an unknown income group is missing like every missing value here.
    income = models.CharField(  # noqa: DJ001
        _("income group"), max_length=40, null=True, blank=True
    )
    ldc = models.BooleanField(_("least developed country"), default=False)
    lldc = models.BooleanField(_("landlocked developing country"), default=False)
    sids = models.BooleanField(_("small island developing state"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return f"{self.name} ({self.iso3})"


class Edition(models.Model):
    """One edition of the Survey, the file its values came from and when they last changed."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source file"), max_length=200)
    # Set when an import changed this edition's scores, so it doubles as a data version.
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        ordering = ["year"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self) -> str:
        return str(self.year)


class Score(models.Model):
    """A country's published rank and indices in one edition; missing values are NULL."""

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.CASCADE, related_name="scores"
    )
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="scores"
    )
    rank = models.PositiveSmallIntegerField(_("published rank"), null=True, blank=True)
    egdi = models.FloatField(_("E-Government Development Index"), null=True, blank=True)
    osi = models.FloatField(_("Online Service Index"), null=True, blank=True)
    hci = models.FloatField(_("Human Capital Index"), null=True, blank=True)
    tii = models.FloatField(_("Telecommunication Infrastructure Index"), null=True, blank=True)
    epi = models.FloatField(_("E-Participation Index"), null=True, blank=True)

    class Meta:
        ordering = ["edition_id", "country_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "edition"], name="indices_score_one_per_country_edition"
            ),
            models.CheckConstraint(
                condition=models.Q(rank__isnull=True) | models.Q(egdi__isnull=False),
                name="indices_score_ranked_only_if_scored",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.edition_id}"
