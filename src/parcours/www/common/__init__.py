"""What every journey's screens share: running a form's action (``submit``)."""
