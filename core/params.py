"""Ids and years typed into a URL or a form. Request input is text, and str.isdigit() also accepts characters
that int() refuses ("²" is a digit to Python, not a number), so every view reads such input here."""

# The largest value of PostgreSQL's bigint, the type of every primary key (DEFAULT_AUTO_FIELD).
MAX_ID = 2**63 - 1


def parse_id(raw) -> int | None:
    """A positive whole number written in ASCII digits (an id, a year), or None for anything else: blank,
    a sign, spaces, '²', digits of another script, or a number beyond any primary key."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(MAX_ID)):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None
