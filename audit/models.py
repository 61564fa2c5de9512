"""The append-only audit trail (docs/security.md, Audit)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Denied")


class AuditEvent(models.Model):
    """One audited event. Never updated or deleted by the application.

    On PostgreSQL and SQLite a database trigger refuses UPDATE; on PostgreSQL it also refuses the
    DELETE of rows younger than the configured retention, never less than the legal minimum of six
    months (migration 0005).
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The name at the time of the event, kept even if the account is renamed later.
    actor_username = models.CharField(_("actor name"), max_length=150, blank=True)
    actor_role = models.CharField(_("actor role"), max_length=32, blank=True)
    token_id = models.BigIntegerField(_("API token"), null=True, blank=True)
    source_ip = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    data = models.JSONField(_("details"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["actor_username", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


MIN_RETENTION_DAYS = 183  # six months: Cybersecurity Law art. 21; the database refuses younger deletes


class AuditSettings(models.Model):
    """How long audit events are kept (one row). Changed by the audit or security administrator."""

    retention_days = models.PositiveIntegerField(
        _("retention (days)"),
        default=365,
        validators=[MinValueValidator(MIN_RETENTION_DAYS), MaxValueValidator(36500)],
        help_text=_("Events older than this are deleted by the purge job. At least 183 days (six months)."),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("audit settings")
        verbose_name_plural = _("audit settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_days__gte=MIN_RETENTION_DAYS), name="audit_retention_at_least_six_months"
            )
        ]

    def __str__(self):
        return f"{self.retention_days}"

    @classmethod
    def current(cls) -> "AuditSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class DeniedWindow(models.Model):
    """Refusals of anonymous requests, counted per source address and time window.

    An anonymous client could otherwise write one append-only audit event per request; instead its
    refusals are counted here (one row per address and window, updated in place) and each closed
    window becomes one ``auth.denied_anonymous`` event with the count (``audit.services``).
    """

    source_ip = models.CharField(_("source address"), max_length=45, blank=True)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)
    first_path = models.CharField(_("first path"), max_length=300, blank=True)
    last_path = models.CharField(_("last path"), max_length=300, blank=True)
    last_reason = models.CharField(_("last reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("anonymous refusals")
        verbose_name_plural = _("anonymous refusals")
        constraints = [models.UniqueConstraint(fields=["source_ip", "window_start"], name="audit_denied_window_unique")]

    def __str__(self):
        return f"{self.source_ip or '-'} {self.window_start:%Y-%m-%d %H:%M} ×{self.count}"
