"""The case journey: my cases, intake, the case page (composed from ``sections``) and its
actions, hand-over."""
