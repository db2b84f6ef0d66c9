"""The permission layer keeps no table of its own: break-glass grants live with the cases they
open (``parcours.cases.models.BreakGlassGrant``)."""
