"""factory_boy factories. All data is fictional (Faker, French locale)."""

import datetime

import factory
from django.conf import settings
from django.utils import timezone

from parcours.accounts.models import Membership, Organisation, User
from parcours.cases.models import Case
from parcours.core.geography import departement_point
from parcours.core.roles import OrganisationKind, Role
from parcours.people.models import Person
from parcours.referrals.enums import ServiceKind
from parcours.referrals.models import Service
from parcours.shelter.enums import FacilityKind
from parcours.shelter.models import Facility
from tests.personas import PASSWORD


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation fictive {n}")
    kind = OrganisationKind.ASSOCIATION
    departement = "33"
    city = "Bordeaux"

    class Params:
        national = factory.Trait(kind=OrganisationKind.NATIONAL_COORDINATOR, departement="")
        shelter = factory.Trait(kind=OrganisationKind.SHELTER_FACILITY)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASEWORKER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    family_name = factory.Faker("last_name", locale="fr_FR")
    given_names = factory.Faker("first_name", locale="fr_FR")
    birth_date = factory.LazyFunction(
        lambda: {"year": 1995, "month": 6, "day": 1, "approximate": False}
    )
    sex = "F"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    referent_org = factory.SubFactory(OrganisationFactory)
    opened_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    created_by = factory.SubFactory(UserFactory)


def _stale_availability():
    """Older than the staleness threshold (``AVAILABILITY_STALE_HOURS``) by a day."""
    hours = float(settings.AVAILABILITY_STALE_HOURS) + 24
    return timezone.now() - datetime.timedelta(hours=hours)


class FacilityFactory(factory.django.DjangoModelFactory):
    """A CHRS of a shelter organisation (a new one in the same département unless given), at its
    département's reference point, 2 free places of 10, availability updated now.

    Traits: ``full`` (no free place), ``stale`` (availability older than the staleness
    threshold), ``never_updated`` (no availability yet), ``women_only``, ``men_only``,
    ``minors`` (a place for minors only), ``for_families``, ``secure`` (security level 3),
    ``acse`` (an Ac.Sé partner), ``closed`` (inactive)."""

    class Meta:
        model = Facility

    organisation = factory.SubFactory(
        OrganisationFactory,
        shelter=True,
        departement=factory.SelfAttribute("..departement"),
        city="Ville fictive",
    )
    name = factory.Sequence(lambda n: f"Centre fictif {n}")
    kind = FacilityKind.CHRS
    address = factory.LazyAttribute(lambda o: f"1 rue fictive, {o.name}")
    departement = "35"
    lat = factory.LazyAttribute(lambda o: departement_point(o.departement)[0])
    lon = factory.LazyAttribute(lambda o: departement_point(o.departement)[1])
    capacity = 10
    free = 2
    availability_at = factory.LazyFunction(timezone.now)

    class Params:
        full = factory.Trait(free=0)
        stale = factory.Trait(availability_at=factory.LazyFunction(_stale_availability))
        never_updated = factory.Trait(availability_at=None)
        women_only = factory.Trait(accepts_men=False)
        men_only = factory.Trait(accepts_women=False)
        minors = factory.Trait(kind=FacilityKind.MINORS, accepts_minors=True, accepts_adults=False)
        for_families = factory.Trait(families=True)
        secure = factory.Trait(security_level=3)
        acse = factory.Trait(kind=FacilityKind.ACSE_PARTNER)
        closed = factory.Trait(active=False)


class ServiceFactory(factory.django.DjangoModelFactory):
    """A social-support service of an association (a new one unless given) serving Gironde.

    Kind traits: ``shelter``, ``health``, ``legal_aid``, ``social_support``, ``emergency_115``,
    ``young_adult`` (ASE young-adult support), ``residence_permit``, ``health_insurance``.
    Others: ``national`` (no territory: the whole country), ``inactive``, ``described`` (who it
    accepts, what it asks for, how to reach it)."""

    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    kind = ServiceKind.SOCIAL_SUPPORT
    name = factory.Sequence(lambda n: f"Service fictif {n}")
    territory = factory.LazyFunction(lambda: ["33"])

    class Params:
        shelter = factory.Trait(kind=ServiceKind.SHELTER)
        health = factory.Trait(kind=ServiceKind.HEALTH)
        legal_aid = factory.Trait(kind=ServiceKind.LEGAL_AID)
        social_support = factory.Trait(kind=ServiceKind.SOCIAL_SUPPORT)
        emergency_115 = factory.Trait(kind=ServiceKind.EMERGENCY_HOUSING_115)
        young_adult = factory.Trait(kind=ServiceKind.CHILD_WELFARE_YOUNG_ADULT)
        residence_permit = factory.Trait(kind=ServiceKind.RESIDENCE_PERMIT)
        health_insurance = factory.Trait(kind=ServiceKind.HEALTH_INSURANCE)
        national = factory.Trait(territory=factory.LazyFunction(list))
        inactive = factory.Trait(active=False)
        described = factory.Trait(
            accepts="Femmes majeures, victimes de traite",
            requirements="Évaluation sociale",
            contact_route="Par Parcours",
        )
