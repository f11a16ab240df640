"""The public service catalogue (CPSV-AP 3.2): services, their published versions, news and the
shipped vocabulary of life and business events."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


def translated(main: str, translations: dict[str, str] | None, language: str | None = None) -> str:
    """`main` in `language` (or the current one) where a translation is given, else `main`."""
    language = (language or get_language() or "").lower()
    found = translations or {}
    return found.get(language) or found.get(language.split("-")[0]) or main


class Audience(models.TextChoices):
    CITIZENS = "citizens", _("Citizens")
    BUSINESSES = "businesses", _("Businesses and civil society")
    GOVERNMENT = "government", _("Government bodies")


class OutputType(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")
    LICENCE = "licence", _("Licence")
    PERMIT = "permit", _("Permit")
    DECISION = "decision", _("Decision")
    NONE = "none", pgettext_lazy("service output", "None")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EventKind(models.TextChoices):
    LIFE = "life", _("Life event")
    BUSINESS = "business", _("Business event")


class Stage(models.IntegerChoices):
    """The UN survey's stages of online services; a service's is computed (`stages.py`)."""

    EMERGING = 1, _("Information")
    ENHANCED = 2, _("Forms and enquiries")
    TRANSACTIONAL = 3, _("Online application")


class Event(models.Model):
    """A life event (having a baby) or business event (starting a business) services are
    grouped by: a shipped vocabulary (migration 0002), with translated names."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_translations = models.JSONField(_("name in other languages"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        return translated(self.name, self.name_translations, language)


class Service(models.Model):
    """A public service an agency offers: what it is, who offers it to whom, on what legal
    basis, at what cost, in what time, and what one brings and receives.

    The row holds the service as its agency last saved it. While it is published every save
    is a publication: it writes a `ServiceVersion`, the frozen snapshot the archive keeps.
    """

    identifier = models.SlugField(_("identifier"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_translations = models.JSONField(_("name in other languages"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_translations = models.JSONField(
        _("description in other languages"), default=dict, blank=True
    )
    authority = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("competent authority"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    # Audience: several allowed; one column each, so each filter has its index.
    for_citizens = models.BooleanField(_("for citizens"), default=False)
    for_businesses = models.BooleanField(_("for businesses and civil society"), default=False)
    for_government = models.BooleanField(_("for government bodies"), default=False)
    events = models.ManyToManyField(
        Event, verbose_name=_("life and business events"), blank=True, related_name="services"
    )
    # Laws as rows of title, article and web address, edited through a form's rows.
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    # Evidence as rows of name and description.
    evidence = models.JSONField(_("required evidence"), default=list, blank=True)
    cost_amount = models.DecimalField(
        _("cost"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cost_currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    cost_description = models.CharField(_("about the cost"), max_length=500, blank=True)
    processing_days = models.PositiveSmallIntegerField(
        _("legal processing time (working days)"), null=True, blank=True
    )
    output_type = models.CharField(
        _("output"), max_length=16, choices=OutputType.choices, default=OutputType.NONE
    )
    channels = models.JSONField(_("channels"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.DRAFT
    )
    # What the service offers beyond information; later stages set them (issue 11). The
    # stage is computed from them by `stages.service_stage`, stored for the filter's index.
    form_key = models.CharField(_("application form"), max_length=100, blank=True, default="")
    workflow_key = models.CharField(_("case workflow"), max_length=100, blank=True, default="")
    accepts_enquiries = models.BooleanField(_("accepts enquiries"), default=False)
    stage = models.PositiveSmallIntegerField(
        _("stage"), choices=Stage.choices, default=Stage.EMERGING, editable=False
    )
    version = models.PositiveIntegerField(_("published version"), default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    first_published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("public service")
        verbose_name_plural = _("public services")
        # The catalogue's order after each of its filters; the agency's list; what is new.
        indexes = [
            models.Index(fields=["status", "name", "id"], name="svc_cat"),
            models.Index(fields=["status", "authority", "name", "id"], name="svc_cat_auth"),
            models.Index(fields=["status", "for_citizens", "name", "id"], name="svc_cat_cit"),
            models.Index(fields=["status", "for_businesses", "name", "id"], name="svc_cat_bus"),
            models.Index(fields=["status", "for_government", "name", "id"], name="svc_cat_gov"),
            models.Index(fields=["status", "stage", "name", "id"], name="svc_cat_stage"),
            models.Index(fields=["status", "output_type", "name", "id"], name="svc_cat_output"),
            models.Index(fields=["authority", "-updated_at", "-id"], name="svc_agency"),
            models.Index(fields=["status", "-first_published_at", "-id"], name="svc_new"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_amount__isnull=True) | Q(cost_amount__gte=0),
                name="svc_cost_not_negative",
            ),
            models.CheckConstraint(condition=Q(status__in=ServiceStatus.values), name="svc_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        return translated(self.name, self.name_translations, language)

    def display_description(self, language: str | None = None) -> str:
        return translated(self.description, self.description_translations, language)

    @property
    def audiences(self) -> list[str]:
        flags = (self.for_citizens, self.for_businesses, self.for_government)
        return [a for a, on in zip(Audience.values, flags, strict=True) if on]

    @property
    def is_published(self) -> bool:
        return self.status == ServiceStatus.PUBLISHED


class ServiceVersion(models.Model):
    """A publication of a service, frozen: what the public read from `published_at` until
    `ended_at` (the next publication, or the withdrawal). The archive reads these."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    # The service as published (`cpsv.service_snapshot`): names, texts, lists, labels' keys.
    content = models.JSONField(_("content"))
    published_at = models.DateTimeField(_("published"))
    ended_at = models.DateTimeField(_("replaced or withdrawn"), null=True, blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        ordering = ["service_id", "-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="svc_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} v{self.number}"


class ServiceNews(models.Model):
    """A dated change or announcement about a service ("fees change on 1 March")."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="news")
    date = models.DateField(_("date"))
    text = models.TextField(_("text"))
    text_translations = models.JSONField(_("text in other languages"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("news entry")
        verbose_name_plural = _("news entries")
        indexes = [
            models.Index(fields=["-date", "-id"], name="svc_news_new"),
            models.Index(fields=["service", "-date", "-id"], name="svc_news_service"),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.text[:40]}"

    def display_text(self, language: str | None = None) -> str:
        return translated(self.text, self.text_translations, language)
