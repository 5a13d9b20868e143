"""Every CSV file the console writes, with spreadsheet formula injection neutralized.

A spreadsheet reads a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula. IAM names may begin with `=`, `+`, `-` and `@` (`[\\w+=,.@-]`), so a
user named `=HYPERLINK(...)` would run in whoever opens the credential report. As OWASP's
CSV injection guidance says, such a cell gets a leading apostrophe (spreadsheets show
the text, run nothing) and is quoted.

Credentials are written verbatim (`verbatim` columns): a secret access key can begin
with `+`, and an apostrophe would break it for `aws configure import` and anyone who
copies it from a text editor; nobody but the one downloading chose those values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTES = frozenset(',"\r\n')


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def cell(value: str, *, verbatim: bool = False) -> str:
    """One CSV field: quoted when it must be, neutralized when a spreadsheet would run it."""
    if not verbatim and value.startswith(FORMULA_START):
        return _quoted("'" + value)
    if any(ch in _NEEDS_QUOTES for ch in value):
        return _quoted(value)
    return value


def csv_text(
    rows: Iterable[Sequence[str]],
    *,
    line_end: str = "\r\n",
    bom: bool = False,
    verbatim: frozenset[int] = frozenset(),
) -> str:
    """The file's text: `rows` (the header first), `verbatim` being column indexes."""
    lines = (
        ",".join(cell(value, verbatim=i in verbatim) for i, value in enumerate(row)) + line_end
        for row in rows
    )
    return ("\ufeff" if bom else "") + "".join(lines)
