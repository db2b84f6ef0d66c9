"""What each kind of notification says. Texts are formatted with the notification's reference
and its non-identifying ``params``; they are translated when read (in the reader's language) and
when the e-mail is written (in French, the service's language)."""

from django.utils.translation import gettext_lazy as _

# kind -> (title, longer text for the e-mail or None)
KINDS = {
    "referral_received": (_("New referral %(ref)s for your organisation"), None),
    "referral_acknowledged": (_("Referral %(ref)s was acknowledged"), None),
    "referral_accepted": (_("Referral %(ref)s was accepted"), None),
    "referral_refused": (_("Referral %(ref)s was refused"), None),
    "referral_expired": (_("Referral %(ref)s got no answer in time"), None),
    "referral_withdrawn": (_("Referral %(ref)s was withdrawn by its sender"), None),
    "consent_withdrawn": (
        _("Case %(ref)s: the person withdrew their consent to share with your organisation"),
        _("From now on your organisation no longer sees what this consent covered."),
    ),
    "contact_lost": (
        _("Case %(ref)s: contact lost"),
        _("No contact has been logged for %(days)s days: the case is now marked “contact lost”."),
    ),
    "break_glass": (
        _("Case %(ref)s was opened by a coordination outside its scope"),
        _(
            "%(org)s opened the case, which your organisation holds, for %(hours)s hours, giving "
            "a reason. Read it on the case's timeline."
        ),
    ),
    "handover_proposed": (_("Case %(ref)s: your organisation is asked to become referent"), None),
    "handover_accepted": (_("Case %(ref)s: the hand-over was accepted"), None),
    "handover_declined": (_("Case %(ref)s: the hand-over was declined"), None),
    "task_assigned": (_("Case %(ref)s: a task for your organisation"), None),
    "conference_convened": (
        _("Case %(ref)s: your organisation is invited to a case conference"),
        None,
    ),
    "conference_cancelled": (_("Case %(ref)s: the case conference was cancelled"), None),
    "journal_root": (
        _("Journal seal of %(day)s: batch %(number)s"),
        _(
            "The journal's fingerprint at batch %(number)s is %(hash)s. Keep this e-mail: an "
            "audit compares it with the journal, which nobody can then rewrite unseen, not even "
            "with full rights on the database."
        ),
    ),
    "placement_proposed": (_("A safe place is requested from your facility (case %(ref)s)"), None),
    "placement_accepted": (_("Case %(ref)s: the facility accepted the person"), None),
    "placement_declined": (_("Case %(ref)s: the facility declined"), None),
    "placement_arrived": (_("Case %(ref)s: the person arrived in a safe place"), None),
    "safety_override": (
        _("Case %(ref)s: a coordinator overrode the danger-zone rule"),
        _("A place inside a danger zone was allowed, with a written reason. Read it on the case."),
    ),
    # Time limits of the person's pathway, said without the date nor what it is about: an
    # e-mail travels in clear, and the limit itself tells a stage of identification or an age.
    "reflection_ending": (
        _("Case %(ref)s: a time limit ends within %(days)s days"),
        _("Open the case to see which, and what remains to do before it ends."),
    ),
    "turning_18": (
        _("Case %(ref)s: a transition to prepare within six months"),
        _("Open the case to see which, and what to prepare."),
    ),
    "sharing_refused": (
        _("A person refused all sharing of their situation (%(departement)s)"),
        _(
            "A person followed in %(departement)s refused that anything about them be shared. "
            "This notice carries nothing that identifies them; it is counted in the statistics."
        ),
    ),
    "report_received": (
        _("New public report %(ref)s (%(departement)s)"),
        _(
            "Someone reported a suspected situation in %(departement)s through the public page. "
            "Read it in the reports to triage: open a case for an organisation, or close it "
            "with a reason."
        ),
    ),
    "report_without_coordination": (
        _("Public report %(ref)s for %(departement)s, which has no territorial coordination"),
        _(
            "The report waits for the territorial coordination of the département, which "
            "triages it: give the département one in Parcours so that someone can read it."
        ),
    ),
    "alert_escalated": (
        _("Case %(ref)s: an alert has stayed unresolved for %(hours)s hours"),
        _(
            "The alert was escalated to your coordination. Open the case to see it, as far as "
            "your access to the case allows."
        ),
    ),
    "case_from_report": (
        _("Case %(ref)s was opened for your organisation from a public report"),
        _(
            "The territorial coordination opened this case for your organisation from a public "
            "report. What the reporter wrote is on the case's timeline."
        ),
    ),
}


def _params(notification) -> dict:
    return {"ref": notification.ref, **notification.params}


def title_for(notification) -> str:
    title, _text = KINDS[notification.kind]
    return str(title) % _params(notification)


def text_for(notification) -> str:
    _title, text = KINDS[notification.kind]
    return str(text) % _params(notification) if text else ""
