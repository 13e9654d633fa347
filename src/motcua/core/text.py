"""Vietnamese text helpers shared by import, search and display."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that Unicode does not decompose into a base letter and a combining mark.
_SPECIAL_FOLD = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def nfc(value: str | None) -> str:
    """Unicode NFC with whitespace collapsed; ``None`` becomes an empty string."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def nfc_keep_lines(value: str | None) -> str:
    """Unicode NFC keeping line breaks (for long texts such as the steps of a procedure)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def fold(value: str | None) -> str:
    """Lower-case ASCII-folded text: diacritics removed, đ → d ("Đăng ký" → "dang ky")."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_SPECIAL_FOLD))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


# Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y,
# then tones (none, huyền, hỏi, ngã, sắc, nặng) as a secondary key.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_BASE_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def _letters(text: str) -> tuple[list[int], list[int]]:
    primary: list[int] = []
    tones: list[int] = []
    for char in text.lower():
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        marks = decomposed[1:]
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _BASE_MARKS))
        tone = next((_TONES[m] for m in marks if m in _TONES), 0)
        index = _ALPHABET.find(letter)
        primary.append(100 + index if index >= 0 else ord(letter) if letter.isdigit() else 0)
        tones.append(tone)
    return primary, tones


def sort_key(value: str) -> str:
    """A string that sorts Vietnamese text in dictionary order with a plain binary collation."""
    primary, tones = _letters(nfc(value))
    return "".join(f"{p:03d}" for p in primary)[:240] + "|" + "".join(map(str, tones))[:60]
