"""The two-factor pages as a user sees them (issue 11, point 8): the recovery codes are shown
(readable, in a monospace box, with a download link), and the security-key, authenticator-app
and recovery-code pages speak French when the language is French."""

import re
import time
from html.parser import HTMLParser

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from tests.conftest import TEST_TOTP_SECRET, sign_in

# allauth's own session key for "whose authentication records these are".
RECORDS_USER_SESSION_KEY = "account_authentication_methods_user"

# English words and phrases of these pages (allauth's templates and forms) that must not show in
# French; matched as whole words in the visible text of the page's main part.
ENGLISH = [
    "Name",
    "Not used",
    "Never used",
    "Added on",
    "Last used",
    "Security key",
    "Security Keys",
    "Passkey",
    "Unspecified",
    "Key",
    "Usage",
    "Edit",
    "Rename",
    "Remove",
    "Add",
    "Save",
    "Recovery Codes",
    "Unused codes",
    "Download",
    "Generate",
    "Activate",
    "Deactivate",
    "Authenticator",
    "Are you sure",
    "Two-Factor",
    "Manage",
    "View",
    "Confirm",
    "Password",
]


class _Text(HTMLParser):
    """The text a user reads in <main> (not scripts), and the textareas with their content."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside <main>
        self.skip = 0  # inside <script> or <noscript>
        self.text: list[str] = []
        self.textareas: dict[str, dict] = {}
        self._textarea = None
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.depth += 1
        if tag in ("script", "noscript"):
            self.skip += 1
        if self.depth:
            self.elements.append((tag, attrs))
        if tag == "textarea" and self.depth:
            self._textarea = {"attrs": attrs, "text": ""}
            self.textareas[attrs.get("id", "")] = self._textarea

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        if tag in ("script", "noscript"):
            self.skip -= 1
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.text.append(data)
            if self._textarea is not None:
                self._textarea["text"] += data


def read(response) -> _Text:
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    parsed = _Text()
    parsed.feed(response.content.decode())
    return parsed


def visible_text(response) -> str:
    return " ".join(" ".join(read(response).text).split())


def english_in(text: str) -> list[str]:
    return [w for w in ENGLISH if re.search(rf"(?<![\w’']){re.escape(w)}(?!\w)", text)]


def _signed_in_and_reauthenticated(client, persona, factor="webauthn"):
    """Signed in with ``factor`` and the password just confirmed again: allauth asks for it
    before the pages that show or change a factor."""
    sign_in(client, persona, factor=factor)
    session = client.session
    session[RECORDS_USER_SESSION_KEY] = str(persona.user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        *session[AUTHENTICATION_METHODS_SESSION_KEY],
        {"method": "password", "at": time.time(), "reauthenticated": True},
    ]
    session.save()
    return client


def _key(user, *, passwordless=False, name="Clé bleue"):
    """A registered security key as allauth stores it (what these pages read of it)."""
    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={
            "name": name,
            "credential": {"clientExtensionResults": {"credProps": {"rk": passwordless}}},
        },
    )


@pytest.fixture
def coordinator_with_factors(client, coordinator):
    """A coordinator signed in with her security key, who also has an authenticator app and
    recovery codes; returns the unused codes."""
    TOTP.activate(coordinator.user, TEST_TOTP_SECRET)
    codes = RecoveryCodes.activate(coordinator.user).get_unused_codes()
    _signed_in_and_reauthenticated(client, coordinator)
    return codes


# --- The recovery codes ---------------------------------------------------------------------


def test_the_recovery_codes_page_shows_every_unused_code(client, coordinator_with_factors):
    page = read(client.get(reverse("mfa_view_recovery_codes")))
    box = page.textareas.get("recovery_codes")
    assert box is not None, "no box of codes on the page"
    assert box["text"].split() == coordinator_with_factors  # one code a line, in order
    assert "readonly" in box["attrs"]
    assert "parcours-codes" in box["attrs"]["class"].split()  # monospace (parcours.css)
    assert "Codes inutilisés" in " ".join(page.text)
    links = [a.get("href") for tag, a in page.elements if tag == "a"]
    assert reverse("mfa_download_recovery_codes") in links


def test_a_used_code_leaves_the_box(client, coordinator, coordinator_with_factors):
    used = coordinator_with_factors[0]
    auth = RecoveryCodes(Authenticator.objects.get(user=coordinator.user, type="recovery_codes"))
    assert auth.validate_code(used)
    box = read(client.get(reverse("mfa_view_recovery_codes"))).textareas["recovery_codes"]
    assert box["text"].split() == coordinator_with_factors[1:]


def test_new_codes_show_once_generated(client, coordinator, coordinator_with_factors):
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    new = RecoveryCodes(
        Authenticator.objects.get(user=coordinator.user, type="recovery_codes")
    ).get_unused_codes()
    assert set(new).isdisjoint(coordinator_with_factors)
    box = read(client.get(response["Location"])).textareas["recovery_codes"]
    assert box["text"].split() == new


def test_the_download_holds_the_codes(client, coordinator_with_factors):
    response = client.get(reverse("mfa_download_recovery_codes"))
    assert response.status_code == 200
    assert response.content.decode().split() == coordinator_with_factors


# --- French on the security-key, authenticator-app and recovery-code pages ------------------


def test_the_security_key_pages_are_in_french(client, coordinator, coordinator_with_factors):
    add = client.get(reverse("mfa_add_webauthn"))  # before any key: the page lists them
    key = _key(coordinator.user)
    _key(coordinator.user, passwordless=True, name="Clé d’accès du téléphone")
    pages = {
        "add": add,
        "list": client.get(reverse("mfa_list_webauthn")),
        "rename": client.get(reverse("mfa_edit_webauthn", kwargs={"pk": key.pk})),
        "remove": client.get(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})),
        "factors": client.get(reverse("mfa_index")),
        "codes": client.get(reverse("mfa_view_recovery_codes")),
        "new codes": client.get(reverse("mfa_generate_recovery_codes")),
        "no app": client.get(reverse("mfa_deactivate_totp")),
    }
    texts = {name: visible_text(response) for name, response in pages.items()}
    english = {name: english_in(text) for name, text in texts.items() if english_in(text)}
    assert not english, f"English on the French pages: {english}"
    # and the French that replaces it
    assert "Nom" in texts["add"].split() and "Nom" in texts["rename"].split()
    for words in ("Jamais utilisée.", "Ajoutée le", "Clé de sécurité", "Clé d’accès", "Renommer"):
        assert words in texts["list"], words


def test_the_authenticator_app_page_is_in_french_and_shows_the_secret(client, outsider):
    _signed_in_and_reauthenticated(client, outsider, factor="totp")
    response = client.get(reverse("mfa_activate_totp"))
    text = visible_text(response)
    assert not english_in(text), english_in(text)
    assert "Secret d’authentification" in text or "Secret d'authentification" in text
    secret = response.context["form"].secret
    inputs = [a for tag, a in read(response).elements if tag == "input"]
    shown = [a for a in inputs if a.get("id") == "authenticator_secret"]
    assert shown and shown[0]["value"] == secret
    assert "parcours-codes" in shown[0]["class"].split()


def test_the_same_pages_stay_english_in_english(client, coordinator, coordinator_with_factors):
    """The check above is about the language: in English these words are there."""
    key = _key(coordinator.user)
    client.cookies["django_language"] = "en"
    text = visible_text(client.get(reverse("mfa_list_webauthn"), HTTP_ACCEPT_LANGUAGE="en"))
    assert {"Key", "Usage", "Rename", "Remove", "Never used"} <= set(english_in(text))
    text = visible_text(
        client.get(reverse("mfa_edit_webauthn", kwargs={"pk": key.pk}), HTTP_ACCEPT_LANGUAGE="en")
    )
    assert "Name" in english_in(text)


def test_the_pages_that_ask_again_are_in_french(client, coordinator):
    TOTP.activate(coordinator.user, TEST_TOTP_SECRET)
    _key(coordinator.user)
    sign_in(client, coordinator)
    session = client.session
    session[RECORDS_USER_SESSION_KEY] = str(coordinator.user.pk)
    session.save()
    for name in ("account_reauthenticate", "mfa_reauthenticate"):
        text = visible_text(client.get(reverse(name)))
        assert not english_in(text), (name, english_in(text), text)
