import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    ASSESSOR = "assessor", "Assessor"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


class Organisation(models.Model):
    name = models.CharField(
        "name", max_length=200, unique=True, help_text="The organisation's display name."
    )
    slug = models.SlugField(
        "slug", max_length=200, unique=True, help_text="Short identifier used in URLs and logs."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    data_version = models.PositiveBigIntegerField(
        "data version",
        default=0,
        editable=False,
        help_text="Grows after every committed change to the organisation's data; cached API "
        "responses are keyed by it.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:200] or secrets.token_hex(4)
        super().save(*args, **kwargs)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="user",
        help_text="The person who belongs to the organisation.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="organisation",
        help_text="The organisation the person belongs to.",
    )
    role = models.CharField(
        "role",
        max_length=16,
        choices=Role.choices,
        default=Role.VIEWER,
        help_text=(
            "Admins manage members and the scoring policy; assessors write vendors and "
            "assessments; reviewers decide; viewers read."
        ),
    )
    created_at = models.DateTimeField("joined", auto_now_add=True)
    last_chosen_at = models.DateTimeField(
        "last chosen",
        null=True,
        blank=True,
        editable=False,
        help_text="When the person last chose this organisation as the one to work in; the "
        "most recent choice opens at their next log-in.",
    )

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An admin's invitation for an e-mail address to join the organisation with a role.

    Joining needs the invitee's consent: the link sent to the address carries a random token,
    of which only the SHA-256 is stored; it works once, until `expires_at`, and an admin can
    revoke it before that.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name="organisation",
        help_text="The organisation the invitee is asked to join.",
    )
    email = models.EmailField(
        "e-mail address", help_text="Where the invitation link was sent; stored in lower case."
    )
    role = models.CharField(
        "role",
        max_length=16,
        choices=Role.choices,
        default=Role.VIEWER,
        help_text="The role the invitee gets on accepting.",
    )
    token_hash = models.CharField(
        "token hash",
        max_length=64,
        unique=True,
        editable=False,
        help_text="SHA-256 of the link's token.",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="invited by",
        help_text="The admin who sent the invitation.",
    )
    created_at = models.DateTimeField("sent", default=timezone.now)
    expires_at = models.DateTimeField("expires", help_text="The link stops working after this.")
    accepted_at = models.DateTimeField("accepted", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="accepted by",
        help_text="The account that accepted, which may use another e-mail address.",
    )
    revoked_at = models.DateTimeField(
        "revoked", null=True, blank=True, help_text="A revoked invitation cannot be accepted."
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "invitation"
        indexes = [models.Index(fields=["organisation", "email"], name="invitation_org_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.role})"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored, so a database leak leaks no tokens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="user",
        help_text="The person this token acts as.",
    )
    name = models.CharField(
        "name", max_length=100, blank=True, help_text="What the token is used for."
    )
    prefix = models.CharField(
        "prefix", max_length=12, db_index=True, help_text="First characters, to recognise it."
    )
    key_hash = models.CharField(
        "key hash", max_length=64, unique=True, help_text="SHA-256 of the secret token."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    last_used_at = models.DateTimeField("last used", null=True, blank=True)
    revoked_at = models.DateTimeField(
        "revoked", null=True, blank=True, help_text="A revoked token is refused."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, user, name: str = "") -> tuple["ApiToken", str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[:8], key_hash=hash_token(raw))
        return token, raw

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Append-only record of every write: who did what to which object, before and after."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="audit_events",
        verbose_name="organisation",
        help_text="The organisation whose data changed.",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="actor",
        help_text="The signed-in user, if any.",
    )
    actor_label = models.CharField(
        "actor label",
        max_length=200,
        help_text="Who acted, kept as text so it survives the user: a username, "
        "'system', or a vendor respondent link.",
    )
    action = models.CharField(
        "action", max_length=64, db_index=True, help_text="E.g. vendor.create, assessment.submit."
    )
    object_type = models.CharField("object type", max_length=64, help_text="Model label.")
    object_id = models.CharField("object id", max_length=64, help_text="Primary key as text.")
    object_repr = models.CharField("object", max_length=300, blank=True, help_text="Display name.")
    before = models.JSONField("before", null=True, blank=True, help_text="State before the write.")
    after = models.JSONField("after", null=True, blank=True, help_text="State after the write.")
    created_at = models.DateTimeField("when", default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit event"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")
