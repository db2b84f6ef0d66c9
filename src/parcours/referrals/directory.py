"""The service directory: which active services meet a need on a territory."""

from django.db.models import QuerySet

from parcours.referrals.models import Service


def directory_search(kind: str | None = None, departement: str | None = None) -> QuerySet:
    """Active services of active organisations, of ``kind`` if given, serving ``departement``
    if given (national services, with an empty territory, serve every département).

    The territory is filtered in Python: JSON ``contains`` lookups are not supported on SQLite,
    and the directory is small (hundreds of rows, not millions).
    """
    services = Service.objects.filter(active=True, organisation__active=True).select_related(
        "organisation"
    )
    if kind:
        services = services.filter(kind=kind)
    if not departement:
        return services
    ids = [
        service.pk
        for service in services.select_related(None).only("pk", "territory")
        if not service.territory or departement in service.territory
    ]
    return services.filter(pk__in=ids)
