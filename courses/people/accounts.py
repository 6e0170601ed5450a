"""Creating and finding accounts: learners by code, staff by username and password."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from courses.people import codes
from courses.people.models import Organisation, Role, Tombstone, User
from courses.platform.db import forget_deleted

MIN_PASSWORD = 12
MAX_PASSWORD = 256
MAX_NAME = 40
# A few of the most common passwords; a longer list can be dropped in later.
COMMON_PASSWORDS = frozenset(
    {
        "password1234", "123456789012", "qwertyuiopas", "passwordpassword",
        "iloveyou1234", "admin1234567", "welcome12345", "indonesia123",
        "password123!", "1234567890123", "qwerty123456", "abcdefghijkl",
    }
)  # fmt: skip
# Dummy hash so an unknown username takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


class AccountError(ValueError):
    """Input that cannot make or find an account; `field` names the form field."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(code)
        self.field = field
        self.code = code


# Characters that draw nothing although Unicode counts them as letters or symbols.
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u180e")


def clean_display_name(raw: str) -> str:
    """Return a display name in NFC, or raise AccountError for empty or hidden chars."""
    name = unicodedata.normalize("NFC", (raw or "").strip())
    if not name:
        raise AccountError("display_name", "empty")
    if len(name) > MAX_NAME:
        raise AccountError("display_name", "too-long")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in name):
        raise AccountError("display_name", "invisible")
    if not any(_visible(ch) for ch in name):
        raise AccountError("display_name", "invisible")
    return name


def _visible(ch: str) -> bool:
    """Return True for a character that shows on screen (a letter, digit or mark)."""
    return ch not in BLANKS and unicodedata.category(ch)[0] in "LNPS"


@dataclass(frozen=True)
class NewLearner:
    """A learner just created, with the personal code shown to them once."""

    user: User
    personal_code: str


def create_learner(
    session: Session, organisation_id: int, display_name: str, code_key: bytes
) -> NewLearner:
    """Add a learner with a fresh personal code (flushed, not committed)."""
    name = clean_display_name(display_name)
    for _attempt in range(5):
        personal_code = codes.new_code(codes.PERSONAL_CODE_LENGTH)
        user = User(
            organisation_id=organisation_id,
            role=Role.LEARNER.value,
            display_name=name,
            resume_code_hash=codes.code_hash(personal_code, code_key),
            session_token=secrets.token_urlsafe(24),
        )
        try:
            with session.begin_nested():  # a code collision: astronomically rare
                session.add(user)
        except IntegrityError:
            continue
        return NewLearner(user, personal_code)
    raise RuntimeError("could not create a unique personal code")


def new_personal_code(session: Session, user: User, code_key: bytes) -> str:
    """Replace a learner's personal code and sign out every device.

    The old code stops working, and so does every cookie issued with it: a phone
    that was signed in with the old code can no longer read the learner's data.
    """
    personal_code = codes.new_code(codes.PERSONAL_CODE_LENGTH)
    user.resume_code_hash = codes.code_hash(personal_code, code_key)
    user.session_token = secrets.token_urlsafe(24)
    session.commit()
    return personal_code


@dataclass(frozen=True)
class CodeKeys:
    """The keys personal codes are hashed under on this machine.

    `master` is CODE_KEY; `enrolled` is the organisation key an enrolled laptop was
    given. New codes use the learner's organisation key: the enrolled one on a
    laptop, else one derived from CODE_KEY (as on the organisation's server).
    """

    master: bytes
    enrolled: bytes | None = None

    def for_organisation(self, organisation_public_id: str) -> bytes:
        """Return the key new codes of this organisation are hashed under."""
        if self.enrolled is not None:
            return self.enrolled
        return codes.organisation_key(self.master, organisation_public_id)

    def all(self, organisation_ids: list[str]) -> list[bytes]:
        """Return every key a stored code may be under, the organisations' first."""
        keys = [self.enrolled] if self.enrolled is not None else []
        keys += [codes.organisation_key(self.master, p) for p in organisation_ids]
        return [*keys, self.master]


def learner_key(db: Session, organisation_id: int, keys: CodeKeys) -> bytes:
    """Return the key a learner of this organisation gets their code hashed under."""
    public_id = db.scalars(
        select(Organisation.public_id).where(Organisation.id == organisation_id)
    ).one()
    return keys.for_organisation(public_id)


def learner_by_code(session: Session, raw_code: str, keys: CodeKeys) -> User:
    """Return the learner with this personal code (session still open), or raise.

    The code is hashed under every key this machine knows (few organisations: one
    query for them, one `IN` query for the learner). A row stored under an older
    key (CODE_KEY itself, or a bare SHA-256) is upgraded to the organisation's key.
    """
    code = codes.normalise(raw_code)
    if not codes.PERSONAL_CODE.match(code):
        raise AccountError("personal_code", "unknown")
    organisations = list(session.scalars(select(Organisation.public_id)))
    candidates = [codes.code_hash(code, k) for k in keys.all(organisations)]
    user = session.scalars(
        select(User).where(
            User.resume_code_hash.in_([*candidates, codes.legacy_hash(code)])
        )
    ).first()
    if user is None or not user.is_learner:
        raise AccountError("personal_code", "unknown")
    wanted = codes.code_hash(code, keys.for_organisation(user.organisation.public_id))
    if user.resume_code_hash != wanted:
        user.resume_code_hash = wanted
        session.commit()
    if user.class_session is not None and user.class_session.closed_at is not None:
        raise AccountError("personal_code", "unknown")
    return user


def check_password_policy(password: str) -> None:
    """Raise AccountError for a password that is too short, too long or too common."""
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", "too-short")
    if len(password) > MAX_PASSWORD:
        raise AccountError("password", "too-long")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        raise AccountError("password", "common")


def create_staff(
    session: Session,
    organisation: Organisation,
    username: str,
    password: str,
    role: Role,
    display_name: str | None = None,
) -> User:
    """Create a facilitator, editor or admin account."""
    if role is Role.LEARNER:
        raise AccountError("role", "learner")
    check_password_policy(password)
    user = User(
        organisation_id=organisation.id,
        role=role.value,
        username=username.strip().lower(),
        display_name=clean_display_name(display_name or username),
        password_hash=generate_password_hash(password),
        session_token=secrets.token_urlsafe(24),
    )
    session.add(user)
    session.commit()
    return user


def staff_by_password(session: Session, username: str, password: str) -> User:
    """Return the staff member with these credentials, or raise (same for all)."""
    user = session.scalars(
        select(User).where(User.username == (username or "").strip().lower())
    ).first()
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    valid = check_password_hash(stored, password or "")
    if user is None or user.is_learner or not valid or not user.active:
        raise AccountError("password", "invalid")
    return user


def end_all_sessions(session: Session, user: User) -> None:
    """Sign a person out everywhere: every cookie issued so far stops working."""
    user.session_token = secrets.token_urlsafe(24)
    session.commit()


def get_or_create_organisation(session: Session, name: str) -> Organisation:
    """Return the organisation called `name`, creating it if needed."""
    found = session.scalars(
        select(Organisation).where(Organisation.name == name)
    ).first()
    if found:
        return found
    organisation = Organisation(name=name)
    session.add(organisation)
    session.commit()
    return organisation


def delete_account(session: Session, user: User) -> None:
    """Delete a person and everything stored about them, leaving no copy behind.

    A tombstone (the random public id alone) keeps a synced copy from coming back.
    """
    bury_learner(session, session.merge(user))
    session.commit()
    forget_deleted(session)


def bury_learner(session: Session, user: User) -> None:
    """Delete a person in the caller's transaction, leaving a learner's tombstone
    (with the device the learner came from, so that laptop's pull hears of it)."""
    if user.is_learner:
        tombstone = Tombstone(
            kind="learner", public_id=user.public_id, device_id=user.device_id
        )
        session.merge(tombstone)
    session.delete(user)
