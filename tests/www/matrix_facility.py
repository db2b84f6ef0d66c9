"""Permission-matrix entries of the facility staff's routes (merged into test_permission_matrix).

route name -> (method, kwargs kind, expected answer per persona); kinds start with "facility"
and are built by ``facility_url``.
"""

FACILITY_MATRIX = {}


def facility_url(name, kind, case):
    raise NotImplementedError(kind)
