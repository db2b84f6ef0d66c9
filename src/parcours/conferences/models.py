"""Case conferences (to be written)."""
