"""The password policy of staff accounts: what a guessing attack tries first is refused, whatever its length.

A staff account reads the health status of a whole jurisdiction, so its password is held to the rule of China's
Cybersecurity Law (2016) art. 21 and GB/T 22239-2019 (multi-level protection) 8.1.4.1 a): identity is verified
and passwords are "complex and replaced regularly". Length alone is not complexity: `1111111111` and ten spaces
are ten characters long. Refused: fewer than `MIN_LENGTH` characters; only whitespace; fewer than `MIN_DISTINCT`
different characters (`1111111111`, `abababababab`); a run of a sequence (`1234567890`, `abcdefghij`,
`qwertyuiop`, either way); a password of the common-password list, alone or with digits and punctuation around it;
the username inside it; and, outside the demo's own accounts, the demo's published password inside it.
"""

from __future__ import annotations

from fangkong.errors import InvalidInput
from fangkong.services.users.common_passwords import COMMON_PASSWORDS

MIN_LENGTH = 10  # the message below says it: change both
MIN_DISTINCT = 4
# The demo's accounts' password, printed by `fangkong demo load` and in the README: anyone may know it
# (services.demo sets its accounts with it; a store for real work must not).
DEMO_PASSWORD = "fangkong-demo"
# Rows a guesser walks along: the digits, the alphabet, the keyboard's rows (each tried both ways).
_SEQUENCES = ("01234567890", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc")


def _is_sequence(text: str) -> bool:
    """The whole text is one run along a sequence (or the same run repeated: `1234512345`)."""
    for period in range(3, len(text) + 1):
        run = text[:period]
        if run * (len(text) // period) + run[: len(text) % period] != text:
            continue
        if any(run in row or run in row[::-1] for row in _SEQUENCES):
            return True
    return False


def check_password(password: str, *, username: str, demo: bool = False) -> None:
    """Refuse (InvalidInput on `password`, saying why) a password the policy does not accept for `username`.
    `demo`: one of the demo's own accounts, which carry the demo's published password by design."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput("password", "at least 10 characters")
    if not password.strip():
        raise InvalidInput("password", "only whitespace")
    folded = password.casefold()
    if len(set(folded)) < MIN_DISTINCT:
        raise InvalidInput("password", "too few different characters")
    compact = "".join(ch for ch in folded if not ch.isspace())
    if _is_sequence(compact):
        raise InvalidInput("password", "a run of a sequence (1234567890, abcdefghij, qwertyuiop) is guessed at once")
    core = folded.strip("0123456789!@#$%^&*()-_=+.,;:?~ ")
    if folded in COMMON_PASSWORDS or core in COMMON_PASSWORDS or compact in COMMON_PASSWORDS:
        raise InvalidInput("password", "one of the most common passwords")
    if len(username) >= 3 and username.casefold() in folded:
        raise InvalidInput("password", "contains the username")
    if not demo and DEMO_PASSWORD in folded:
        raise InvalidInput("password", "the demo's published password; choose your own")
