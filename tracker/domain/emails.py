"""Email addresses as account names: one canonical spelling per address, so that
look-alikes (full-width letters, other case, hidden characters) are the same account
or refused, never a second one."""
from __future__ import annotations

import unicodedata

from tracker.domain.wording import Text

# Unicode categories that render as nothing or control the terminal: control (Cc),
# format (Cf: zero-width space/joiners, direction marks, BOM), unassigned (Cn),
# private use (Co), surrogates (Cs), and separators other than a plain space.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp", "Zs"})


class UnsafeEmail(ValueError):
    """The address holds a character that a person cannot see or type, or a quoted
    local part (``"<script>"@example.com``), which the API does not accept. Its
    argument says what, as a ``Text`` ("contains a quotation mark ...")."""


def normalize_email(raw: str) -> str:
    """The canonical form of an address for a new account or a changed email:
    ``canonical_email``, and no double quote anywhere (a quoted local part is valid
    RFC 5321 but lets markup and blanks into an account name). Raises
    ``UnsafeEmail``."""
    text = canonical_email(raw)
    if '"' in text:
        raise UnsafeEmail(Text("contains a quotation mark (quoted local parts are not accepted)"))
    return text


def canonical_email(raw: str) -> str:
    """The canonical spelling of an address: surrounding blanks dropped, NFKC
    (full-width and compatibility forms to their plain letters), case-folded. Raises
    ``UnsafeEmail`` for an invisible, control or layout character anywhere in it."""
    text = unicodedata.normalize("NFKC", raw.strip()).casefold()
    # casefold can produce new compatibility forms (e.g. "ß" stays, "ﬀ" -> "ff"), so
    # normalize once more; both steps are idempotent together.
    text = unicodedata.normalize("NFKC", text)
    for char in text:
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise UnsafeEmail(Text("contains an invisible or control character (U+%(code)s)",
                                   code=f"{ord(char):04X}"))
    return text


def lookup_email(raw: str) -> str | None:
    """The canonical form for finding an account at sign-in, or None when no account
    can have this address (it would have been refused at registration). Quotes are
    not refused here: an account registered before they were still signs in."""
    try:
        return canonical_email(raw)
    except UnsafeEmail:
        return None
