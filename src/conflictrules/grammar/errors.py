"""Grammar errors that point at the file, line and column, with the line and a caret."""

from __future__ import annotations

import attrs


@attrs.frozen(slots=True)
class Location:
    """A place in a grammar file (1-based line and column)."""

    path: str
    line: int
    col: int
    line_text: str = ""

    @classmethod
    def at(cls, path: str, source: str, offset: int) -> Location:
        """The location of character ``offset`` of ``source`` (the whole file's text)."""
        offset = max(0, min(offset, len(source)))
        line = source.count("\n", 0, offset) + 1
        line_start = source.rfind("\n", 0, offset) + 1
        line_end = source.find("\n", offset)
        if line_end < 0:
            line_end = len(source)
        return cls(path, line, offset - line_start + 1, source[line_start:line_end])

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class GrammarError(Exception):
    """A mistake in a grammar pack, reported as ``file:line:col: message`` plus a caret line."""

    def __init__(self, message: str, location: Location | None = None, hint: str = "") -> None:
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        text = self.message + (f" ({self.hint})" if self.hint else "")
        loc = self.location
        if loc is None:
            return text
        out = f"{loc}: {text}"
        if loc.line_text:
            shown = loc.line_text.replace("\t", " ")
            out += f"\n  {shown}\n  {' ' * (loc.col - 1)}^"
        return out


class GrammarErrors(GrammarError):
    """Several grammar errors at once (``conflictrules check`` reports them all)."""

    def __init__(self, errors: list[GrammarError]) -> None:
        unique: dict[str, GrammarError] = {}
        for e in errors:
            unique.setdefault(e.render(), e)
        errors = list(unique.values())
        self.errors = errors
        Exception.__init__(self, "\n".join(e.render() for e in errors))
        self.message = str(self)
        self.location = errors[0].location if errors else None
        self.hint = ""

    def render(self) -> str:
        return "\n".join(e.render() for e in self.errors)
