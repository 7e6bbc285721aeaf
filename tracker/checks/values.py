"""How the system checks read a setting's value; the alerts' and the API's checks read theirs the same way."""


def is_whole_number(value, minimum):
    """True for an int of at least `minimum`; a bool is not one, although Python counts it as an int."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum
