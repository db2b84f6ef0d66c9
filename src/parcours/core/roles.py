"""Kinds of organisation and roles of their members (the kernel: accounts, access and every app
read these)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    """Kinds of organisation that take part in the mechanism (DOMAIN.md, glossary)."""

    ASSOCIATION = "association", _("Association")
    SIAO = "siao", _("SIAO / 115")
    CHILD_WELFARE = "child_welfare", _("Child welfare (ASE)")
    POLICE = "police", _("Police")
    GENDARMERIE = "gendarmerie", _("Gendarmerie")
    PREFECTURE = "prefecture", _("Prefecture")
    CCAS = "ccas", _("CCAS")
    MISSION_LOCALE = "mission_locale", _("Mission locale")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance (CPAM)")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Labour inspectorate")
    PROSECUTOR = "prosecutor", _("Public prosecutor's office")
    SHELTER_FACILITY = "shelter_facility", _("Shelter facility")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    TERRITORIAL_COORDINATOR = "territorial_coordinator", _("Territorial coordinator")


COORDINATOR_KINDS = {
    OrganisationKind.NATIONAL_COORDINATOR,
    OrganisationKind.TERRITORIAL_COORDINATOR,
}


class Role(models.TextChoices):
    """What a person does in their organisation; it caps what they may see and do."""

    CASEWORKER = "caseworker", _("Caseworker")
    MANAGER = "manager", _("Manager")
    COORDINATOR = "coordinator", _("Coordinator")
    INVESTIGATOR = "investigator", _("Investigator")
    FACILITY_STAFF = "facility_staff", _("Facility staff")
    STATISTICIAN = "statistician", _("Statistician")
