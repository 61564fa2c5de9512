"""Departments, ranking groups, regions and the people who use perfgov."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import in_choices
from core.roles import DEPARTMENT_ROLES, STAFF_ROLES, Role

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]*$", _("Use lower-case letters, digits, '-' and '_' only, starting with a letter or digit.")
)


class ActiveQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class RankingGroup(models.Model):
    """A group of comparable departments ranked among themselves (分类考核)."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("ranking group")
        verbose_name_plural = _("ranking groups")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Region(models.Model):
    """A city, district or county (surveys sample by region)."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Department(models.Model):
    """An assessed government department. ``code`` is stable and used in URLs and the API."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    group = models.ForeignKey(
        RankingGroup,
        verbose_name=_("ranking group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="departments"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Departments are never deleted once results depend on them; they are deactivated.
    is_active = models.BooleanField(_("active"), default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person (or another system) with exactly one role and at most one department."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            in_choices("role", Role, "user_role"),
            # A department filer or head belongs to a department.
            models.CheckConstraint(
                condition=~models.Q(role__in=sorted(DEPARTMENT_ROLES)) | models.Q(department__isnull=False),
                name="user_department_role_has_department",
            ),
        ]

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def get_full_name(self):
        # Chinese names: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def is_department_user(self) -> bool:
        return self.role in DEPARTMENT_ROLES

    def clean(self):
        super().clean()
        if self.role in DEPARTMENT_ROLES and not self.department_id:
            raise ValidationError({"department": _("A department filer or head must belong to a department.")})

    def set_password(self, raw_password):
        super().set_password(raw_password)
        # Expiry (PASSWORD_EXPIRY_DAYS) counts from here; the history is written on save
        # by organizations.passwords.PasswordHistoryValidator.password_changed.
        self.password_changed_at = timezone.now()

    def save(self, *args, **kwargs):
        # The admin site is open to the roles that maintain reference data, nobody else.
        self.is_staff = self.role in STAFF_ROLES
        self.is_superuser = False
        super().save(*args, **kwargs)


class ApiToken(models.Model):
    """An API token. Only a SHA-256 of the key is stored; the key is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("revoked by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class PasswordHistory(models.Model):
    """A password hash the user had (docs/security.md: no reuse of the last 5). Never the clear text."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("password history entry")
        verbose_name_plural = _("password history")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class OtpEnrolment(models.Model):
    """A one-time code the security administrator issues so that a user whose role requires
    two-factor login may set it up (docs/security.md, Two-factor). The password alone never
    enrols such an account. Only a SHA-256 of the code is stored; the code is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="otp_enrolments")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("two-factor enrolment code")
        verbose_name_plural = _("two-factor enrolment codes")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return f"{self.user_id} {self.issued_at:%Y-%m-%d %H:%M}"
