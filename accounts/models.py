from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.phones import phone_field_clean
from accounts.roles import ONBOARDERS, Role
from accounts.validators import validate_no_nik, validate_tps


class UserQuerySet(models.QuerySet):
    def in_scope(self, user):
        """People a staff user works with: staff of their region, and the managers and
        pantarlih of the buildings in it."""
        from accounts.scope import region_prefix

        if user.is_authenticated and user.is_active and user.is_superuser:
            return self.all()
        prefix = region_prefix(user)
        if prefix is None:
            return self.filter(pk=user.pk) if user.is_authenticated else self.none()
        # Through the reverse relations of the rows that tie people to buildings, so accounts
        # needs no import of the apps above it. Subqueries: nobody comes back twice.
        inside = "building__kelurahan__code__startswith"
        managers = self.model.objects.filter(**{f"managed_buildings__{inside}": prefix})
        officers = self.model.objects.filter(**{f"assignments__{inside}": prefix})
        return self.filter(
            models.Q(region__code__startswith=prefix)
            | models.Q(pk__in=managers.values("pk"))
            | models.Q(pk__in=officers.values("pk"))
        )


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    """Email is the login; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.KPU_PROVINSI)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    Role = Role

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email"), unique=True, validators=[validate_no_nik])
    full_name = models.CharField(_("full name"), max_length=150, validators=[validate_no_nik])
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[validate_no_nik],
        help_text=_("Indonesian format, e.g. +62812…"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For staff roles: the kota, kecamatan or kelurahan this person works in."),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="id",
        help_text=_("Pages and emails; follows the language switcher."),
    )
    unit_name = models.CharField(
        _("KPU unit"),
        max_length=150,
        blank=True,
        help_text=_("As printed on the officer card, e.g. PPS Kelurahan Rawajati."),
        validators=[validate_no_nik],
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="accounts_user_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["role", "region"], name="accounts_user_role_region")]

    def __str__(self):
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def clean(self):
        super().clean()
        self.phone = phone_field_clean(self.phone, "phone")

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class InvitationQuerySet(models.QuerySet):
    def in_scope(self, user):
        """Invitations for the inviter's region (by the invitee's region or building)."""
        from accounts.scope import invitable_roles, region_prefix

        if user.is_authenticated and user.is_active and user.is_superuser:
            return self.all()
        prefix = region_prefix(user)
        if prefix is None:
            return self.none()
        return self.filter(
            models.Q(region__code__startswith=prefix)
            | models.Q(building__kelurahan__code__startswith=prefix),
            role__in=invitable_roles(user),
        )

    def pending(self):
        from django.utils import timezone

        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An emailed, single-use, expiring invitation to create an account with a role and scope.

    The link carries a signed (invitation id, nonce) pair; resending or revoking changes the
    nonce, so only the newest link works, and accepting stamps `accepted_at`, so it works once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    email = models.EmailField(_("email"), validators=[validate_no_nik])
    full_name = models.CharField(_("full name"), max_length=150, validators=[validate_no_nik])
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_no_nik])
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    building = models.ForeignKey(
        "buildings.Building",
        verbose_name=_("building"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    tps = models.CharField(
        _("TPS"), max_length=10, blank=True, validators=[validate_no_nik, validate_tps]
    )
    nonce = models.CharField(max_length=32, editable=False)
    invited_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="accounts_invitation_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["email"], name="accounts_invitation_email")]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        from django.utils import timezone

        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self):
        return self.Status(self.status).label


class BriefingQuerySet(models.QuerySet):
    def in_scope(self, user):
        """Sessions for a kota inside the staff user's region (a province-wide user sees all)."""
        from accounts.scope import region_prefix

        if user.is_authenticated and user.is_active and user.is_superuser:
            return self.all()
        prefix = region_prefix(user)
        if prefix is None or user.role not in ONBOARDERS:
            return self.none()
        # A kota user's prefix is the kota's code; a province-wide one's is "31".
        return self.filter(region__code__startswith=prefix[:5])


class Briefing(models.Model):
    """A socialisation session (*sosialisasi coklit*) for the building managers of a kota."""

    title = models.CharField(_("title"), max_length=200, validators=[validate_no_nik])
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=300, blank=True, validators=[validate_no_nik])
    online_link = models.URLField(_("online link"), blank=True, validators=[validate_no_nik])
    organiser = models.ForeignKey(
        "accounts.User",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kota"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The kota whose managers the session is for."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        verbose_name = _("socialisation session")
        verbose_name_plural = _("socialisation sessions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(place="", online_link=""),
                name="accounts_briefing_place_or_link",
            ),
        ]
        indexes = [models.Index(fields=["region", "starts_at"], name="accounts_briefing_region")]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%d-%m-%Y})"


class BriefingInvitee(models.Model):
    """A manager invited to a session: their answer, and whether they came."""

    class Rsvp(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        YES = "yes", _("Will come")
        NO = "no", _("Will not come")

    briefing = models.ForeignKey(
        Briefing, verbose_name=_("session"), on_delete=models.CASCADE, related_name="invitees"
    )
    manager = models.ForeignKey(
        "accounts.User",
        verbose_name=_("manager"),
        on_delete=models.CASCADE,
        related_name="briefing_invitations",
    )
    rsvp = models.CharField(_("answer"), max_length=10, choices=Rsvp.choices, default=Rsvp.PENDING)
    attended = models.BooleanField(_("attended"), default=False)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("session invitee")
        verbose_name_plural = _("session invitees")
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "manager"], name="accounts_briefinginvitee_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rsvp__in=["pending", "yes", "no"]),
                name="accounts_briefinginvitee_rsvp_valid",
            ),
        ]

    def __str__(self):
        return f"{self.manager} – {self.briefing}"


class SentEmail(models.Model):
    """One notification delivered to one address, so a retried task sends only what is missing.

    A task that emails three people and fails at the second (the mail server refused once) is
    retried by Celery; without this the first person got it twice. The row is written right
    after the mail server accepted the message (accounts.emails.email_send with `once_key`).
    """

    key = models.CharField(_("notification"), max_length=200)
    to = models.EmailField(_("to"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("email sent")
        verbose_name_plural = _("emails sent")
        constraints = [
            models.UniqueConstraint(fields=["key", "to"], name="accounts_sentemail_once"),
        ]

    def __str__(self):
        return f"{self.key} → {self.to}"
