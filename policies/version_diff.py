"""Side-by-side comparison of two policy versions: a line diff of the pretty-printed
JSON, as two columns (left: the older choice, right: the other), for the Policy versions
tab's Compare. Pure functions; the view renders the rows as a table."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from itertools import zip_longest

UNCHANGED = "unchanged"
REMOVED = "removed"
ADDED = "added"
BLANK = "blank"


@dataclass(frozen=True)
class Cell:
    number: int | None  # line number in its version; None on the blank side of a change
    text: str
    change: str  # UNCHANGED | REMOVED | ADDED | BLANK


@dataclass(frozen=True)
class DiffRow:
    left: Cell
    right: Cell


@dataclass(frozen=True)
class Comparison:
    rows: list[DiffRow]
    removed: int
    added: int


def pretty_lines(document: str) -> list[str]:
    """The document indented the console's way, so formatting alone never shows as a
    change; text that is not JSON is compared as stored."""
    try:
        return json.dumps(json.loads(document), indent=4).splitlines()
    except ValueError:
        return document.splitlines()


def _cell(lines: list[str], index: int | None, change: str) -> Cell:
    if index is None:
        return Cell(None, "", BLANK)
    return Cell(index + 1, lines[index], change)


def compare(left_document: str, right_document: str) -> Comparison:
    left, right = pretty_lines(left_document), pretty_lines(right_document)
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [
                DiffRow(_cell(left, i, UNCHANGED), _cell(right, j, UNCHANGED))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        # replace, delete and insert: removed lines on the left faced by added lines on
        # the right, row by row, the shorter side padded with blanks.
        for i, j in zip_longest(range(i1, i2), range(j1, j2)):
            rows.append(DiffRow(_cell(left, i, REMOVED), _cell(right, j, ADDED)))
    removed = sum(1 for row in rows if row.left.change == REMOVED)
    added = sum(1 for row in rows if row.right.change == ADDED)
    return Comparison(rows, removed, added)
