"""Head counts: how many people took part, by sex and age band, entered by hand.

Where few people have a device, the facilitator counts the room. The counts are kept
apart from learners who joined on a device and can be corrected at any time.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from courses.people.models import AGE_BANDS, SEXES, ClassSession, HeadCount

MAX_COUNT = 10_000  # more than any room; a typo such as 2500 for 25 is refused
Counts = dict[tuple[str, str], int]


def head_counts(db: Session, class_session: ClassSession) -> Counts:
    """Return the session's counts by (sex, age band); zero where none was entered."""
    counts: Counts = {(sex, band): 0 for sex in SEXES for band in AGE_BANDS}
    query = select(HeadCount).where(HeadCount.session_id == class_session.id)
    for row in db.scalars(query):
        counts[(row.sex, row.age_band)] = row.count
    return counts


def read_counts(form: Mapping[str, str]) -> tuple[Counts | None, list[str]]:
    """Read `count-<sex>-<band>` fields; return the counts or the fields in error."""
    counts: Counts = {}
    errors = []
    for sex in SEXES:
        for band in AGE_BANDS:
            field = f"count-{sex}-{band}"
            raw = (form.get(field) or "0").strip() or "0"
            if not raw.isdigit() or int(raw) > MAX_COUNT:
                errors.append(field)
            else:
                counts[(sex, band)] = int(raw)
    return (None, errors) if errors else (counts, [])


def save_counts(db: Session, class_session: ClassSession, counts: Counts) -> None:
    """Store the counts, replacing what was entered before."""
    existing = {
        (row.sex, row.age_band): row
        for row in db.scalars(
            select(HeadCount).where(HeadCount.session_id == class_session.id)
        )
    }
    for (sex, band), number in counts.items():
        row = existing.get((sex, band))
        if row is None:
            db.add(
                HeadCount(
                    session_id=class_session.id, sex=sex, age_band=band, count=number
                )
            )
        else:
            row.count = number
    db.commit()
