"""Users, agencies, their units and the roles officials hold there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import AgencyLevel, IdentitySource, StaffRoleName, UserKind
from .validators import (
    validate_agency_code,
    validate_id_number,
    validate_phone,
    validate_receipt_series,
    validate_tax_code,
)

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("kind", UserKind.OFFICIAL)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a citizen or an official. E-mail is the login."""

    email = models.EmailField(_("thư điện tử"), unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(
        _("số điện thoại"), max_length=15, blank=True, validators=[validate_phone]
    )
    id_number = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        validators=[validate_id_number],
        help_text=_("12 chữ số trên thẻ căn cước."),
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    kind = models.CharField(
        _("loại tài khoản"), max_length=10, choices=UserKind.choices, default=UserKind.CITIZEN
    )
    is_staff = models.BooleanField(_("vào trang quản trị"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    date_joined = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    # A self-declared id number unlocks nothing (registry pre-fill, counter dossiers) until the
    # identity is verified by the registry, an official at the desk, or the national SSO.
    identity_verified_at = models.DateTimeField(_("xác thực danh tính lúc"), null=True, blank=True)
    identity_verified_via = models.CharField(
        _("xác thực danh tính qua"), max_length=10, choices=IdentitySource.choices, blank=True
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Declared for mypy only: django-stubs omits AbstractBaseUser._password (the raw password
    # set since the last save), and knox's AuthToken (untyped) is the reverse side of this.
    _password: str | None
    auth_token_set: RelatedManager[Any]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            # Only a verified identity owns its number: anyone may type a number at sign-up,
            # so an unverified claim must neither block nor reveal the real holder's account.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~models.Q(id_number="") & models.Q(identity_verified_at__isnull=False),
                name="accounts_user_unique_verified_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs) -> None:
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            # A new password ends every API token issued under the old one.
            self.auth_token_set.all().delete()

    @property
    def identity_verified(self) -> bool:
        return self.identity_verified_at is not None

    @property
    def is_official(self) -> bool:
        return self.kind == UserKind.OFFICIAL

    @property
    def is_citizen(self) -> bool:
        return self.kind == UserKind.CITIZEN

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.email


class Agency(models.Model):
    """A state agency that receives and settles dossiers (cơ quan)."""

    code = models.CharField(
        _("mã định danh điện tử"), max_length=20, unique=True, validators=[validate_agency_code]
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    level = models.CharField(_("cấp"), max_length=10, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # What the e-receipts of fees the agency collects print (NĐ 123/2020/NĐ-CP Điều 32:
    # the collecting organisation's name and tax code, the template symbol and the series).
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, blank=True, validators=[validate_tax_code]
    )
    receipt_form_symbol = models.CharField(
        _("ký hiệu mẫu biên lai"),
        max_length=20,
        default="01BLP0-001",
        help_text=_("Như đã đăng ký với cơ quan thuế, ví dụ 01BLP0-001."),
    )
    receipt_series = models.CharField(
        _("ký hiệu biên lai"),
        max_length=2,
        default="AA",
        validators=[validate_receipt_series],
        help_text=_(
            "Chữ cái của ký hiệu; biên lai in thêm hai số cuối của năm và chữ E (điện tử), "
            "ví dụ AA-26E."
        ),
    )

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A department inside an agency (phòng, bộ phận)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="units", verbose_name=_("cơ quan")
    )
    code = models.SlugField(_("mã đơn vị"), max_length=50)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    is_reception = models.BooleanField(_("là bộ phận một cửa"), default=False)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["agency", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="accounts_unit_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.agency.name}"


class StaffRole(models.Model):
    """A role an official holds in an agency (and optionally one of its units)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="staff_roles", verbose_name=_("cán bộ")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="staff_roles", verbose_name=_("cơ quan")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("đơn vị"),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=StaffRoleName.choices)

    class Meta:
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "unit", "role"], name="accounts_staffrole_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency.code}"


class MfaEnrolmentToken(models.Model):
    """A single-use, expiring permission to enrol an official's first second factor.

    Whoever steals an official's password must not be able to enrol their own authenticator;
    the token reaches the official by e-mail (or from an administrator) and only its SHA-256
    digest is stored, so a reader of the database cannot use it.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="mfa_enrolment_tokens",
        verbose_name=_("cán bộ"),
    )
    digest = models.CharField(_("mã băm"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người cấp"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã đăng ký xác thực hai lớp")
        verbose_name_plural = _("mã đăng ký xác thực hai lớp")
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_mfa_enrol_user")]

    def __str__(self) -> str:
        return f"{self.user} — {self.created_at:%Y-%m-%d %H:%M}"
