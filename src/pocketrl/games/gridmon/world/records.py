"""Parse gridmon's record lines (``kind key=value ...``) with exact error locations.

Every problem is raised as :class:`DataError` with ``FILE:LINE:COL`` so a person editing
a data file can go straight to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class DataError(ValueError):
    """A malformed gridmon data file: carries the file, line and column."""

    def __init__(self, path: Path | str, line: int, col: int, message: str):
        self.path, self.line, self.col = str(path), line, col
        super().__init__(f"{path}:{line}:{col}: {message}")


@dataclass
class Field:
    value: str
    col: int  # 1-based column of the value


@dataclass
class Record:
    """One parsed line: ``kind`` then named fields, all with positions."""

    path: str
    line: int
    kind: str
    kind_col: int
    name: str | None = None  # optional bare word right after the kind
    name_col: int = 0
    fields: dict[str, Field] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def error(self, message: str, key: str | None = None) -> DataError:
        col = self.fields[key].col if key in self.fields else self.kind_col
        if key == "name" and self.name_col:
            col = self.name_col
        return DataError(self.path, self.line, col, message)

    def require_name(self, what: str) -> str:
        if not self.name:
            raise self.error(f"`{self.kind}` needs a {what} right after the kind word")
        return self.name

    def has(self, key: str) -> bool:
        return key in self.fields

    def text(self, key: str, default: str | None = None) -> str:
        self.used.add(key)
        if key not in self.fields:
            if default is not None:
                return default
            raise self.error(f"`{self.kind}` needs the field `{key}=...`")
        return self.fields[key].value

    def integer(self, key: str, lo: int, hi: int, default: int | None = None) -> int:
        return self._bounded(key, lo, hi, default, int, "a whole number")

    def number(self, key: str, lo: float, hi: float, default: float | None = None) -> float:
        return self._bounded(key, lo, hi, default, float, "a number")

    def _bounded(self, key, lo, hi, default, cast, what: str):
        """The field as ``cast`` in lo..hi (or ``default`` when absent), else a located
        error saying what was expected."""
        if key not in self.fields and default is not None:
            self.used.add(key)
            return default
        raw = self.text(key)
        try:
            v = cast(raw)
        except ValueError:
            raise self.error(f"`{key}` must be {what} in {lo}..{hi}, got {raw!r}", key) from None
        if not lo <= v <= hi:
            raise self.error(f"`{key}` must be in {lo}..{hi}, got {v}", key)
        return v

    def items(self, key: str, default: str | None = None) -> list[str]:
        raw = self.text(key, default)
        parts = [p.strip() for p in raw.split(",")] if raw else []
        if any(not p for p in parts):
            raise self.error(f"`{key}` has an empty list entry in {raw!r}", key)
        return parts

    def choice(self, key: str, allowed, default: str | None = None) -> str:
        v = self.text(key, default)
        if v not in allowed:
            raise self.error(f"`{key}` must be one of {', '.join(allowed)}; got {v!r}", key)
        return v

    def check_unused(self) -> None:
        """Unknown keys are errors (a typo would otherwise be ignored silently)."""
        for key, f in self.fields.items():
            if key not in self.used:
                known = ", ".join(sorted(self.used)) or "none"
                raise DataError(
                    self.path,
                    self.line,
                    f.col - len(key) - 1,
                    f"unknown field `{key}` for `{self.kind}` (known here: {known})",
                )


def split_line(text: str, path: str, lineno: int) -> list[tuple[str, int]]:
    """Split a line into (token, 1-based column) pairs; quotes keep spaces; # comments."""
    tokens: list[tuple[str, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t":
            i += 1
            continue
        if c == "#":
            break
        start, buf = i, []
        while i < n and text[i] not in " \t":
            if text[i] == '"':
                end = text.find('"', i + 1)
                if end < 0:
                    raise DataError(path, lineno, i + 1, 'unclosed quote: add a closing "')
                buf.append(text[i + 1 : end])
                i = end + 1
            elif text[i] == "#" and not buf:
                break
            else:
                buf.append(text[i])
                i += 1
        tokens.append(("".join(buf), start + 1))
    return tokens


def parse_record(text: str, path: str, lineno: int, col_offset: int = 0) -> Record | None:
    """Parse one record line, or return None for a blank/comment line."""
    tokens = split_line(text, path, lineno)
    if not tokens:
        return None
    kind, kcol = tokens[0]
    rec = Record(path, lineno, kind, kcol + col_offset)
    rest = tokens[1:]
    if rest and "=" not in rest[0][0]:
        rec.name, rec.name_col = rest[0][0], rest[0][1] + col_offset
        rest = rest[1:]
    for tok, col in rest:
        key, eq, value = tok.partition("=")
        if not eq or not key:
            raise DataError(path, lineno, col + col_offset, f"expected key=value, got {tok!r}")
        if key in rec.fields:
            raise DataError(path, lineno, col + col_offset, f"field `{key}` given twice")
        rec.fields[key] = Field(value, col + col_offset + len(key) + 1)
    return rec


def read_text(path: Path) -> str:
    """The text of a data file; a DataError at the first byte that is not UTF-8."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line_start = data.rfind(b"\n", 0, e.start) + 1
        line = data.count(b"\n", 0, e.start) + 1
        col = len(data[line_start : e.start].decode("utf-8")) + 1
        raise DataError(
            path,
            line,
            col,
            f"not UTF-8 text: byte 0x{data[e.start]:02x} at byte offset {e.start} "
            f"({e.reason}); save the file as UTF-8",
        ) from None


def read_records(path: Path) -> list[Record]:
    """All records of a file (every non-blank line is one)."""
    out = []
    for lineno, line in enumerate(read_text(path).splitlines(), 1):
        rec = parse_record(line, str(path), lineno)
        if rec is not None:
            out.append(rec)
    return out
