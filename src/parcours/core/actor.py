"""Who is acting: a user, for one of their organisations, in one role (the kernel: what the actor
may do is decided in ``parcours.access``)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    user: object
    membership: object | None
    memberships: tuple = field(default=())

    @property
    def organisation(self):
        return self.membership.organisation if self.membership else None

    @property
    def organisation_id(self):
        return self.membership.organisation_id if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def user_id(self):
        return self.user.pk


def actor_for(user, organisation=None) -> Actor:
    """The actor for ``user`` acting for ``organisation`` (default: their first membership).

    For services, commands and tests; web requests get theirs from the middleware.
    """
    memberships = tuple(user.active_memberships())
    chosen = None
    for membership in memberships:
        if organisation is None or membership.organisation_id == organisation.pk:
            chosen = membership
            break
    return Actor(user=user, membership=chosen, memberships=memberships)
