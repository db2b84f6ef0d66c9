"""The catalogue review page for coordinators (issue 12, item 6): every entry with its source
and its unverified mark, where it is used, and what changed between two versions."""

from django.urls import reverse

from parcours.rights import review_catalogue
from parcours.rights.catalogue import PATH, catalogue, parse
from tests.conftest import sign_in


def test_the_current_catalogue_is_kept_as_its_version():
    """Each version is kept (rights/versions/<n>.yaml): raising the version means adding it."""
    current = catalogue()
    assert current.version in review_catalogue.versions()
    kept = (review_catalogue.VERSIONS / f"{current.version}.yaml").read_text(encoding="utf-8")
    assert kept == PATH.read_text(encoding="utf-8")


def test_the_page_lists_every_entry_with_its_source_and_mark(client, coordinator):
    sign_in(client, coordinator)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("rights_catalogue")).content.decode()
    for right in catalogue():
        assert f'data-testid="entry-{right.id}"' in page
        assert right.legal_basis.source.replace("&", "&amp;") in page
    assert page.count('data-testid="unverified"') == len(catalogue().unverified())
    assert "Way out for:" in page and "Needed first by:" in page
    assert "Child welfare (ASE)" in page and "Young adult support (ASE)" in page  # in words
    assert ">child_welfare<" not in page and "child_welfare_young_adult" not in page


def test_a_caseworker_gets_404(client, referent):
    sign_in(client, referent)
    assert client.get(reverse("rights_catalogue")).status_code == 404


def test_the_diff_says_what_was_added_removed_and_changed():
    text = PATH.read_text(encoding="utf-8")
    changed = text.replace("    answer_delay_days: 1\n", "    answer_delay_days: 2\n", 1)
    changed = changed.replace("      verified: true\n", "      verified: false\n", 1)
    start = changed.index("  - id: youth_employment_contract")
    end = changed.index("\n# What each requirement")
    changed = changed[:start].rstrip("\n") + changed[end:]
    result = review_catalogue.diff(parse(text), parse(changed))
    assert result.added == []
    assert [name for name in result.removed] == [
        str(catalogue().rights["youth_employment_contract"].name)
    ]
    fields = {change.right_id: change.fields for change in result.changed}
    assert fields["emergency_shelter"] == ["answer delay"]
    assert fields["receipt_during_procedure"] == ["verified"]
