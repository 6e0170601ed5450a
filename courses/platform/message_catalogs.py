"""Fill the English catalogue from its source strings (the interface is in English)."""

from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill_source_catalog(path: Path) -> int:
    """Make every msgstr its msgid (fuzzy guesses too); return how many changed."""
    with path.open("rb") as fh:
        catalog = read_po(fh)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        wanted = message.id if isinstance(message.id, str) else tuple(message.id[:2])
        if message.string != wanted:
            message.string = wanted
            filled += 1
        message.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0)
    return filled
