"""Matching keys for names of administrative units and agencies.

Two families of keys:

* ``converter_key`` / ``converter_key_marked`` reproduce the keys of ``converter_2025.json``
  (package ``vietnamadminunits``): names without spaces or punctuation, lower case, accent-free
  ("Thành phố Hà Nội" → "thanhphohanoi"). When two units of the same province (or district)
  have the same accent-free key, the converter keeps the Vietnamese letters instead
  ("Xã Cẩm Giàng" → "xãcẩmgiàng"), so the importer indexes both forms.
* ``name_key`` is the key used to look agencies up by name: accent-free, lower case, words
  separated by one space ("Bộ Tài chính", "Bộ tài chính" and "bo-tai-chinh" → "bo tai chinh").
"""

from __future__ import annotations

import re

from motcua.core.text import fold, nfc

_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def converter_key(name: str | None) -> str:
    """Accent-free key: diacritics removed, đ → d, lower case, no spaces or punctuation."""
    return _NOT_ALNUM.sub("", fold(nfc(name)))


def converter_key_marked(name: str | None) -> str:
    """Key keeping Vietnamese letters (used by the converter for otherwise ambiguous names)."""
    return _NOT_ALNUM.sub("", nfc(name).lower())


def name_key(name: str | None) -> str:
    """Accent-free, lower-case words separated by single spaces; punctuation is a separator."""
    return _NOT_ALNUM.sub(" ", fold(nfc(name))).strip()
