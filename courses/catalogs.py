"""Fill the English catalogue from its source strings (the interface is in English)."""

from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill_source_catalog(path: Path) -> int:
    """Copy each msgid into its empty msgstr; return how many were filled."""
    with path.open("rb") as fh:
        catalog = read_po(fh)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = (message.id[0], message.id[1])
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0)
    return filled
