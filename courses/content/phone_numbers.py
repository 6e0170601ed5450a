"""Find phone numbers typed into lesson text (they belong in contacts.yaml instead)."""

import re

# A typed phone number: 6+ digits in a run of digits, spaces, dashes and brackets...
# Runs are bounded (no number is 40 characters long), so a long line stays linear.
PHONE_RUN = re.compile(r"(?<![\w.,/])\+?\(?\d[\d\s()-]{4,40}\d(?![\w.,/])")
# ...or a short number right after a word like "call" or "WhatsApp".
CALL_WORDS = re.compile(
    r"\b(call|dial|phone|ring|text|sms|whatsapp|wa|hotline|telepon|telp|tel|hubungi|"
    r"nomor|tawagan|gọi|số|اتصل)\b\W{0,3}(\+?\d[\d\s-]{1,30}\d)",
    re.IGNORECASE,
)
# Not phone numbers: year ranges (2020-2024, 2020-24) and ISO dates (2024-01-15).
NOT_A_PHONE = re.compile(
    r"^((1[89]|20)\d\d\s*-\s*((1[89]|20)\d\d|\d\d)|\d{4}-\d{2}-\d{2})$"
)


def typed_numbers(line: str) -> list[str]:
    """Return the phone-number-like strings typed in a line."""
    found: dict[str, None] = {}  # ordered, without repeats
    for match in PHONE_RUN.finditer(line):
        text = match.group(0).strip()
        digits = sum(ch.isdigit() for ch in text)
        if digits >= 6 and not NOT_A_PHONE.match(text.strip("()")):
            found[text.lstrip("(")] = None
    for match in CALL_WORDS.finditer(line):
        number = match.group(2).strip()
        if not any(number in earlier for earlier in found):
            found[number] = None
    return list(found)
