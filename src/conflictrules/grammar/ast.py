"""The grammar language's syntax tree: what a rule file says, before compilation."""

from __future__ import annotations

import attrs

from conflictrules.grammar.errors import Location

Value = str | int | float | bool | None


@attrs.frozen(slots=True)
class Literal:
    """Words or punctuation to match as written (case-insensitively)."""

    text: str
    loc: Location


@attrs.frozen(slots=True)
class Ref:
    """A reference to a ``define`` or a ``list`` by its upper-case name."""

    name: str
    loc: Location


@attrs.frozen(slots=True)
class Raw:
    """A raw regular expression (the escape hatch)."""

    regex: str
    loc: Location


@attrs.frozen(slots=True)
class Seq:
    items: tuple[Node, ...]


@attrs.frozen(slots=True)
class Alt:
    options: tuple[Node, ...]


@attrs.frozen(slots=True)
class Repeat:
    item: Node
    min: int
    max: int


@attrs.frozen(slots=True)
class Capture:
    name: str
    item: Node
    loc: Location


@attrs.frozen(slots=True)
class NotAhead:
    item: Node


Node = Literal | Ref | Raw | Seq | Alt | Repeat | Capture | NotAhead


@attrs.frozen(slots=True)
class Import:
    name: str
    loc: Location


@attrs.frozen(slots=True)
class ListDecl:
    name: str
    file: str
    loc: Location
    where: tuple[str, str] | None = None
    case_sensitive: bool = False
    gazetteer: bool = False


@attrs.frozen(slots=True)
class Define:
    name: str
    pattern: Node
    loc: Location


@attrs.frozen(slots=True)
class Example:
    text: str
    expected: tuple[tuple[str, Value], ...]
    loc: Location
    positive: bool = True


@attrs.frozen(slots=True)
class RuleDecl:
    id: str
    pattern: Node
    loc: Location
    priority: int = 0
    override: bool = False
    sets: tuple[tuple[str, Value], ...] = ()
    examples: tuple[Example, ...] = ()

    @property
    def layer(self) -> str:
        return self.id.split(".", 1)[0]


Statement = Import | ListDecl | Define | RuleDecl


@attrs.frozen(slots=True)
class RuleFile:
    path: str
    module: str  # the name other files import it by (file stem)
    statements: tuple[Statement, ...]
