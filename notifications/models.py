"""The in-app notification centre and the keys that make alerts idempotent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one user, shown under the bell and optionally e-mailed."""

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        DANGER = "danger", _("Urgent")

    # No index of its own: the (user, read_at) index below serves every lookup by user, and a job
    # inserting tens of thousands of notifications maintains one index fewer.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.INFO)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_wanted = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


class AlertKey(models.Model):
    """One row per alert ever sent: (kind, department, period, level, subject).

    Jobs insert the key before sending, inside the same transaction; the unique
    constraint makes a second run, or a second worker, send nothing.
    """

    kind = models.CharField(max_length=50)
    department = models.ForeignKey("organizations.Department", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20, blank=True)
    level = models.CharField(max_length=20, blank=True)
    # Extra scope such as an assignment id ("assignment:123"); "" when the alert is per department.
    subject = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "department", "period", "level", "subject"], name="alertkey_unique"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.department_id} {self.period} {self.level} {self.subject}"
