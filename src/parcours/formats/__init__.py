"""Date and time formats of the interface languages, where Django's own do not suit France."""
