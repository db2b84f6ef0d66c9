"""factory_boy factories. All data is fictional (Faker, French locale)."""

import datetime

import factory
from django.utils import timezone

from parcours.accounts.models import Membership, Organisation, User
from parcours.cases.models import Case
from parcours.core.roles import OrganisationKind, Role
from parcours.people.models import Person


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation fictive {n}")
    kind = OrganisationKind.ASSOCIATION
    departement = "33"
    city = "Bordeaux"

    class Params:
        national = factory.Trait(kind=OrganisationKind.NATIONAL_COORDINATOR, departement="")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-9")

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
