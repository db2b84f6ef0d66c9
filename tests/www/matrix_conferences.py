"""Permission-matrix entries of the case-conference routes (merged into test_permission_matrix).

route name -> (method, kwargs kind, expected answer per persona); kinds start with "conference"
and are built by ``conference_url``.
"""

CONFERENCE_MATRIX = {}


def conference_url(name, kind, case):
    raise NotImplementedError(kind)
