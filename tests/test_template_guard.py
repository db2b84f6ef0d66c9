"""The guard of tests/conftest.py: a template that renders an unknown variable (``INVALID[...]``
in test mode) fails the test that renders it, unless the test names it as a known defect."""

import pytest
from django.conf import settings
from django.template import engines

from tests.conftest import invalid_variables


def _render(source, context=None):
    return engines["django"].from_string(source).render(context or {})


def test_the_test_settings_show_unknown_variables():
    assert settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] == "INVALID[%s]"


def test_unknown_variables_are_found_in_a_text():
    assert invalid_variables("a INVALID[x.y] b INVALID[z] INVALID[x.y]") == {"x.y", "z"}
    assert invalid_variables(b"nothing wrong") == set()


def test_a_template_rendering_an_unknown_variable_fails_the_test():
    assert _render("{{ known }}", {"known": "ok"}) == "ok"
    with pytest.raises(pytest.fail.Exception, match="unknown variables: missing"):
        _render("{{ missing }}")


def test_a_default_filter_does_not_hide_an_unknown_variable():
    """With ``string_if_invalid`` set, Django skips the filters of an unknown variable: the
    context must carry it (None is fine), ``|default`` alone is not enough."""
    assert _render("{{ value|default:'-' }}", {"value": None}) == "-"
    with pytest.raises(pytest.fail.Exception, match="missing"):
        _render("{{ missing|default:'-' }}")


@pytest.mark.known_invalid_variables("missing", reason="the marker of a known defect")
def test_a_known_defect_is_tolerated_when_named():
    assert _render("{{ missing }}") == "INVALID[missing]"
