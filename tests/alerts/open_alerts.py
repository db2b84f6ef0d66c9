"""What the rule tests share: the open alerts of one rule at a time, and the units of time."""

import datetime

from parcours.alerts import rules

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def open_alerts(now, code):
    """The alerts of rule ``code`` open at ``now``, over every watched case."""
    return [a for a in rules.evaluate(now) if a.rule == code]
