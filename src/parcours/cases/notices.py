"""Notices to a case's referent organisation, through the notifications (in the application and
by e-mail from the outbox): the case reference and a link, never a name."""


def tell_referent(case, kind: str, params: dict | None = None, dedup_key: str | None = None):
    """Notify the referent organisation of ``case``; call inside the action's transaction."""
    from parcours.alerts.notify import notify

    return notify(
        kind,
        case.referent_org,
        ref=case.ref,
        link=case.get_absolute_url(),
        params=params,
        dedup_key=dedup_key,
    )
