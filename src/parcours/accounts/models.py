"""Organisations, the people who work in them, and their memberships."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.geography import departement_name
from parcours.core.roles import COORDINATOR_KINDS, OrganisationKind, Role


class Organisation(models.Model):
    """An organisation that takes part in the mechanism; ``departement`` is empty when national."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    departement = models.CharField(_("département"), max_length=3, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    public_contact = models.CharField(_("public contact"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "departement"], name="organisation_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(kind=OrganisationKind.NATIONAL_COORDINATOR) | ~Q(departement=""),
                name="organisation_departement_required",
            ),
        ]
        # The territorial coordinator's scope: the organisations of a département.
        indexes = [models.Index(fields=["departement"], name="organisation_departement")]

    def __str__(self):
        return self.name

    @property
    def is_coordinator(self) -> bool:
        return self.kind in COORDINATOR_KINDS

    @property
    def departement_label(self) -> str:
        return departement_name(self.departement) if self.departement else _("National")


class User(AbstractUser):
    """A professional who signs in. Victims never have accounts.

    ``session_epoch`` takes part in the session's authentication hash: raising it signs the user
    out everywhere (see ``parcours.accounts.sessions``).
    """

    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def active_memberships(self):
        return (
            self.memberships.filter(active=True, organisation__active=True)
            .select_related("organisation")
            .order_by("organisation__name", "role")
        )

    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def get_session_auth_hash(self):
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "parcours.accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            algorithm="sha256",
        ).hexdigest()

    def sign_out_everywhere(self) -> None:
        """End every session of this user at its next request."""
        User.objects.filter(pk=self.pk).update(session_epoch=models.F("session_epoch") + 1)
        self.refresh_from_db(fields=["session_epoch"])


class Membership(models.Model):
    """A user's role in one organisation. Ending it (``active=False``) revokes access at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    may_reveal_location = models.BooleanField(
        _("may reveal where a person is"),
        default=False,
        help_text=_("Shows the location group where the case shares it; requires a security key."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(active=True),
                name="membership_unique_active",
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    def clean(self):
        """The coordinator role exists only in a coordination (national or territorial): given
        in an association it would open locations and batch allocation to it."""
        from django.core.exceptions import ValidationError

        super().clean()
        if (
            self.role == Role.COORDINATOR
            and self.organisation_id is not None
            and self.organisation.kind not in COORDINATOR_KINDS
        ):
            raise ValidationError(
                {"role": _("The coordinator role exists only in a coordination organisation.")}
            )
