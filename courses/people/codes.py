"""Join codes and personal sign-back-in codes: short, readable aloud, hard to guess.

A personal code is stored only as an HMAC under a key kept outside the database, so a
copy of the database alone does not reveal anyone's code. The key is the learner's
organisation's: derived on the organisation's server from CODE_KEY, and handed to each
laptop it enrols, so a code made on a laptop works on the server (and back) after sync.
"""

import hashlib
import hmac
import re
import secrets

# No 0/O, 1/I/L: the characters people misread or mistype.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6  # 31**6 ~ 8.9e8: guessing is held back by rate limits
PERSONAL_CODE_LENGTH = 10  # 31**10 ~ 8.2e14, about 49.5 random bits
JOIN_CODE = re.compile(rf"^[{ALPHABET}]{{6,8}}$")
PERSONAL_CODE = re.compile(rf"^[{ALPHABET}]{{{PERSONAL_CODE_LENGTH}}}$")


def new_code(length: int) -> str:
    """Return a random code from the unambiguous alphabet."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise(code: str) -> str:
    """Return a typed code in canonical form: upper case, no spaces or dashes."""
    return re.sub(r"[\s\-_.]", "", code or "").upper()[:32]


def display(code: str) -> str:
    """Return a personal code split in two halves for reading aloud: ABCDE-FGHJK."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


KEYED = "h1:"  # the prefix of keyed hashes; older rows hold a bare SHA-256


def code_hash(code: str, key: bytes) -> str:
    """Return the stored form of a personal code: an HMAC under the server key."""
    digest = hmac.new(key, normalise(code).encode(), hashlib.sha256).hexdigest()
    return KEYED + digest


def legacy_hash(code: str) -> str:
    """Return the unkeyed SHA-256 that rows made before keyed hashes hold."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def organisation_key(master: bytes, organisation_public_id: str) -> bytes:
    """Return an organisation's personal-code key, derived from CODE_KEY."""
    label = b"jaring personal codes of organisation " + organisation_public_id.encode()
    return hmac.new(master, label, hashlib.sha256).hexdigest().encode()
