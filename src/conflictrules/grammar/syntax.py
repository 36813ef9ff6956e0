"""Parsing rule files (pyparsing) into the syntax tree of ``grammar.ast``.

A file is split into statements by indentation first (a statement starts at column 1,
its continuation lines are indented), then each clause is parsed with pyparsing. Every
error becomes a ``GrammarError`` carrying file, line and column; no pyparsing exception
escapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyparsing as pp

from conflictrules.grammar import ast
from conflictrules.grammar.errors import GrammarError, GrammarErrors, Location

MAX_UNBOUNDED = 8  # what `*` and `+` are capped at, so no rule can run away
KEYWORDS = ("import", "list", "gazetteer", "define", "rule")
CLAUSES = ("match", "set", "example", "never")


class _Source:
    """The text of one file, with a helper that turns offsets into locations."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text

    def loc(self, offset: int) -> Location:
        return Location.at(self.path, self.text, offset)

    def error(self, offset: int, message: str, hint: str = "") -> GrammarError:
        return GrammarError(message, self.loc(offset), hint)


# --- the pyparsing grammar of patterns and values -------------------------------------


class _Tok:
    """A token built by a parse action; a plain object so pyparsing does not flatten it."""

    __slots__ = ("kind", "loc", "payload")

    def __init__(self, kind: str, loc: int, payload: Any) -> None:
        self.kind = kind
        self.loc = loc
        self.payload = payload


def _tok(kind: str) -> Any:
    def act(s: str, loc: int, toks: pp.ParseResults) -> _Tok:
        return _Tok(kind, loc, list(toks))

    return act


def _build_pattern_parser() -> tuple[pp.ParserElement, pp.ParserElement, pp.ParserElement]:
    pp.ParserElement.set_default_whitespace_chars(" \t\r\n")
    comment = pp.Regex(r"#[^\n]*")
    quoted = pp.QuotedString('"', esc_char="\\").set_parse_action(_tok("literal"))
    raw = pp.Regex(r"/(?:[^/\\\n]|\\.)+/").set_parse_action(_tok("raw"))
    ref = pp.Regex(r"[A-Z][A-Z0-9_]*\b").set_parse_action(_tok("ref"))
    word = pp.Regex(r"[a-z0-9][a-z0-9'\-]*(?:\.[a-z0-9][a-z0-9'\-]*)*").set_parse_action(
        _tok("literal")
    )
    name = pp.Regex(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*")
    quant = pp.Regex(r"\?|\*|\+|\{\s*\d+\s*(?:,\s*\d*\s*)?\}")
    alternation = pp.Forward()
    capture = (
        pp.Suppress("{") + name + pp.Suppress(":") + alternation + pp.Suppress("}")
    ).set_parse_action(_tok("capture"))
    group = (pp.Suppress("(") + alternation + pp.Suppress(")")).set_parse_action(_tok("group"))
    atom = capture | group | quoted | raw | ref | word
    atom.set_name("a pattern element")
    element = (pp.Optional(pp.Literal("!")) + atom + pp.Optional(quant)).set_parse_action(
        _tok("element")
    )
    sequence = pp.OneOrMore(element).set_parse_action(_tok("seq"))
    alternation <<= (sequence + pp.ZeroOrMore(pp.Suppress("|") + sequence)).set_parse_action(
        _tok("alt")
    )
    pattern = alternation + pp.StringEnd()
    pattern.ignore(comment)

    value = (
        pp.QuotedString('"', esc_char="\\").set_parse_action(lambda t: [("str", t[0])])
        | pp.Regex(r"-?\d+(?:\.\d+)?(?![\w.])").set_parse_action(lambda t: [("num", t[0])])
        | pp.Regex(r"[A-Za-z_][\w.\-]*").set_parse_action(lambda t: [("bare", t[0])])
    )
    key = pp.Regex(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*")
    assignment = (key + pp.Suppress("=") + value).set_parse_action(lambda t: [(str(t[0]), t[1])])
    assignments = pp.ZeroOrMore(assignment) + pp.StringEnd()
    assignments.ignore(comment)
    example = (
        pp.QuotedString('"', esc_char="\\").set_parse_action(lambda t: [("text", t[0])])
        + pp.Optional(pp.Literal("=>") + pp.ZeroOrMore(assignment))
        + pp.StringEnd()
    )
    example.ignore(comment)
    return pattern, assignments, example


_PATTERN, _ASSIGNMENTS, _EXAMPLE = _build_pattern_parser()


def _convert_value(tok: tuple[str, str]) -> ast.Value:
    kind, text = tok
    if kind == "str":
        return text
    if kind == "num":
        return float(text) if "." in text else int(text)
    return {"true": True, "false": False, "null": None, "none": None}.get(text.lower(), text)


class _PatternBuilder:
    def __init__(self, src: _Source, base: int) -> None:
        self.src = src
        self.base = base

    def build(self, tok: _Tok) -> ast.Node:
        kind, payload = tok.kind, tok.payload
        if kind == "alt":
            options = [self.build(t) for t in payload]
            return options[0] if len(options) == 1 else ast.Alt(tuple(options))
        if kind == "seq":
            items = [self.build(t) for t in payload]
            return items[0] if len(items) == 1 else ast.Seq(tuple(items))
        if kind == "element":
            parts = list(payload)
            negate = isinstance(parts[0], str) and parts[0] == "!"
            if negate:
                parts.pop(0)
            node = self.build(parts[0])
            if len(parts) > 1:
                node = self.quantify(node, str(parts[1]), tok.loc)
            return ast.NotAhead(node) if negate else node
        if kind == "group":
            return self.build(payload[0])
        location = self.src.loc(self.base + tok.loc)
        if kind == "capture":
            return ast.Capture(str(payload[0]), self.build(payload[1]), location)
        if kind == "literal":
            text = str(payload[0])
            if not text.strip():
                raise self.src.error(self.base + tok.loc, "empty literal")
            return ast.Literal(text, location)
        if kind == "raw":
            return ast.Raw(str(payload[0])[1:-1].replace("\\/", "/"), location)
        return ast.Ref(str(payload[0]), location)

    def quantify(self, node: ast.Node, quant: str, loc: int) -> ast.Node:
        if quant == "?":
            return ast.Repeat(node, 0, 1)
        if quant == "*":
            return ast.Repeat(node, 0, MAX_UNBOUNDED)
        if quant == "+":
            return ast.Repeat(node, 1, MAX_UNBOUNDED)
        inner = quant.strip("{} \t")
        if "," in inner:
            lo_text, hi_text = (p.strip() for p in inner.split(",", 1))
            lo = int(lo_text)
            hi = int(hi_text) if hi_text else lo + MAX_UNBOUNDED
        else:
            lo = hi = int(inner)
        if hi < lo or hi > 50:
            raise self.src.error(self.base + loc, f"repetition {quant} must have min <= max <= 50")
        return ast.Repeat(node, lo, hi)


def _parse_error(
    src: _Source, base: int, end: int, exc: pp.ParseBaseException, what: str
) -> GrammarError:
    offset = base + exc.loc
    rest = src.text[offset:end]
    if not rest.strip() or (exc.loc == 0 and not rest.strip()):
        body = src.text[base:end].rstrip()
        offset = base + len(body) - 1 if body else base
        return src.error(
            offset, f"cannot parse {what}: it ends too early", "is a '{', '(' or '\"' left open?"
        )
    found = rest.strip().split("\n")[0][:16]
    return src.error(
        offset + len(rest) - len(rest.lstrip()), f"cannot parse {what}: unexpected {found!r}"
    )


def parse_pattern(src: _Source, start: int, end: int) -> ast.Node:
    text = src.text[start:end]
    if not text.strip() or text.strip().startswith("#"):
        raise src.error(start, "a pattern is missing here")
    try:
        toks = _PATTERN.parse_string(text, parse_all=True)
    except pp.ParseBaseException as exc:
        raise _parse_error(src, start, end, exc, "the pattern") from None
    return _PatternBuilder(src, start).build(toks[0])


def _parse_assignments(src: _Source, start: int, end: int) -> tuple[tuple[str, ast.Value], ...]:
    try:
        toks = _ASSIGNMENTS.parse_string(src.text[start:end], parse_all=True)
    except pp.ParseBaseException as exc:
        raise _parse_error(src, start, end, exc, "field=value pairs") from None
    return tuple((k, _convert_value(v)) for k, v in toks)


def _parse_example(src: _Source, start: int, end: int, positive: bool) -> ast.Example:
    try:
        toks = _EXAMPLE.parse_string(src.text[start:end], parse_all=True)
    except pp.ParseBaseException as exc:
        raise _parse_error(
            src, start, end, exc, 'the example (write: "text" => field=value ...)'
        ) from None
    items = list(toks)
    text = str(items[0][1])
    expected: tuple[tuple[str, ast.Value], ...] = ()
    if len(items) > 1:
        if not positive:
            raise src.error(start, "a 'never' example cannot carry expected values")
        expected = tuple((k, _convert_value(v)) for k, v in items[2:])
    lead = len(src.text[start:end]) - len(src.text[start:end].lstrip())
    return ast.Example(text, expected, src.loc(start + lead), positive)


# --- splitting a file into statements and clauses --------------------------------------

_LINE = re.compile(r"[^\n]*(?:\n|$)")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for m in _LINE.finditer(text):
        if m.start() == len(text) and not m.group():
            break
        yield pos, m.group().rstrip("\r\n")
        pos = m.end()


def _strip_comment(line: str) -> str:
    """The line without a trailing comment (a '#' outside quotes and /regex/)."""
    in_quote = in_raw = False
    prev = ""
    for i, ch in enumerate(line):
        if ch == '"' and prev != "\\" and not in_raw:
            in_quote = not in_quote
        elif ch == "/" and prev != "\\" and not in_quote:
            in_raw = not in_raw
        elif ch == "#" and not in_quote and not in_raw:
            return line[:i]
        prev = ch
    return line


def _statements(src: _Source) -> Iterator[tuple[int, int, list[tuple[int, str]]]]:
    """Yield (start, end, lines) for each statement; lines are (offset, text) pairs."""
    current: list[tuple[int, str]] = []
    for offset, line in _lines(src.text):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace():
            if current:
                yield current[0][0], current[-1][0] + len(current[-1][1]), current
            current = [(offset, line)]
        else:
            if not current:
                raise src.error(
                    offset,
                    "an indented line must continue a statement",
                    "start statements at column 1",
                )
            current.append((offset, line))
    if current:
        yield current[0][0], current[-1][0] + len(current[-1][1]), current


_IDENT = re.compile(r"[A-Z][A-Z0-9_]*$")
_RULE_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_\-]+)+$")
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*$")


def _parse_statement(src: _Source, lines: list[tuple[int, str]], end: int) -> ast.Statement:
    first_offset, first = lines[0]
    head = _strip_comment(first).rstrip()
    keyword = head.split(None, 1)[0]
    if keyword not in KEYWORDS:
        raise src.error(
            first_offset,
            f"unknown statement {keyword!r}",
            "a statement starts with import, list, gazetteer, define or rule",
        )
    if keyword == "import":
        parts = head.split()
        if len(parts) != 2 or not _MODULE.match(parts[1]):
            raise src.error(first_offset, "write: import NAME (a rule file's name without .rules)")
        if len(lines) > 1:
            raise src.error(lines[1][0], "import takes one line")
        return ast.Import(parts[1], src.loc(first_offset + head.index(parts[1])))
    if keyword in ("list", "gazetteer"):
        return _parse_list(src, first_offset, head, keyword, lines)
    if keyword == "define":
        m = re.match(r"define\s+(\S+)\s*=", head)
        if not m:
            raise src.error(first_offset, "write: define NAME = PATTERN")
        if not _IDENT.match(m.group(1)):
            raise src.error(
                first_offset + m.start(1), f"definition name {m.group(1)!r} must be UPPER_CASE"
            )
        return ast.Define(
            m.group(1),
            parse_pattern(src, first_offset + m.end(), end),
            src.loc(first_offset + m.start(1)),
        )
    return _parse_rule(src, lines, end)


def _parse_list(
    src: _Source, offset: int, head: str, keyword: str, lines: list[tuple[int, str]]
) -> ast.ListDecl:
    m = re.match(r'(?:list|gazetteer)\s+(\S+)\s*=\s*"([^"]+)"\s*(.*)$', head)
    if not m:
        raise src.error(
            offset,
            f'write: {keyword} NAME = "file.tsv"'
            + (" [where column=value] [case-sensitive]" if keyword == "list" else ""),
        )
    if len(lines) > 1:
        raise src.error(lines[1][0], f"{keyword} takes one line")
    name, file, rest = m.group(1), m.group(2), m.group(3).split()
    if not _IDENT.match(name):
        raise src.error(offset + m.start(1), f"list name {name!r} must be UPPER_CASE")
    where: tuple[str, str] | None = None
    case_sensitive = False
    i = 0
    while i < len(rest):
        word = rest[i]
        if word == "case-sensitive" and keyword == "list":
            case_sensitive = True
        elif word == "where" and keyword == "list" and i + 1 < len(rest) and "=" in rest[i + 1]:
            col, val = rest[i + 1].split("=", 1)
            where = (col, val)
            i += 1
        else:
            raise src.error(
                offset + head.index(word, m.start(3)),
                f"unexpected {word!r}",
                "allowed after the file: where COLUMN=VALUE, case-sensitive",
            )
        i += 1
    return ast.ListDecl(
        name,
        file,
        src.loc(offset + m.start(1)),
        where,
        case_sensitive,
        gazetteer=keyword == "gazetteer",
    )


def _parse_rule(src: _Source, lines: list[tuple[int, str]], end: int) -> ast.RuleDecl:
    first_offset, first = lines[0]
    head = _strip_comment(first).rstrip()
    parts = head.split()
    if len(parts) < 2:
        raise src.error(first_offset, "write: rule layer.name [priority N] [override]")
    rule_id = parts[1]
    if not _RULE_ID.match(rule_id):
        raise src.error(
            first_offset + head.index(rule_id),
            f"rule id {rule_id!r} must look like layer.name (lower case)",
        )
    priority, override = 0, False
    i = 2
    while i < len(parts):
        if parts[i] == "priority" and i + 1 < len(parts) and re.fullmatch(r"-?\d+", parts[i + 1]):
            priority = int(parts[i + 1])
            i += 2
        elif parts[i] == "override":
            override = True
            i += 1
        else:
            raise src.error(
                first_offset + head.index(parts[i], len("rule ") + len(rule_id)),
                f"unexpected {parts[i]!r} after the rule id",
                "allowed: priority N, override",
            )
    # clauses: an indented line starting with a clause keyword opens a clause
    clauses: list[tuple[str, int, int]] = []  # (keyword, body start, keyword offset)
    for offset, line in lines[1:]:
        stripped = line.lstrip()
        word = stripped.split(None, 1)[0]
        if word in CLAUSES:
            kw_off = offset + len(line) - len(stripped)
            clauses.append((word, kw_off + len(word), kw_off))
        elif not clauses:
            raise src.error(
                offset + len(line) - len(stripped),
                f"unknown clause {word!r}",
                "a rule's lines start with match, set, example or never",
            )
    pattern: ast.Node | None = None
    sets: list[tuple[str, ast.Value]] = []
    examples: list[ast.Example] = []
    for n, (word, body, kw_off) in enumerate(clauses):
        body_end = clauses[n + 1][2] if n + 1 < len(clauses) else end
        if word == "match":
            if pattern is not None:
                raise src.error(kw_off, "a rule has exactly one match clause")
            pattern = parse_pattern(src, body, body_end)
        elif word == "set":
            sets.extend(_parse_assignments(src, body, body_end))
        else:
            examples.append(_parse_example(src, body, body_end, positive=word == "example"))
    id_offset = first_offset + head.index(rule_id)
    if pattern is None:
        raise src.error(id_offset, f"rule {rule_id} has no match clause")
    if not any(e.positive for e in examples):
        raise src.error(
            id_offset,
            f"rule {rule_id} has no example",
            'add: example "a sentence it must match" => field=value',
        )
    return ast.RuleDecl(
        rule_id,
        pattern,
        src.loc(first_offset + head.index(rule_id)),
        priority,
        override,
        tuple(sets),
        tuple(examples),
    )


def parse_file(path: str, text: str, module: str | None = None) -> ast.RuleFile:
    """Parse a rule file's text. Raises GrammarErrors listing every statement that failed."""
    src = _Source(path, text)
    statements: list[ast.Statement] = []
    errors: list[GrammarError] = []
    try:
        chunks = list(_statements(src))
    except GrammarError as err:
        raise GrammarErrors([err]) from None
    for _start, end, lines in chunks:
        try:
            statements.append(_parse_statement(src, lines, end))
        except GrammarError as err:
            errors.append(err)
    if errors:
        raise GrammarErrors(errors)
    if module is None:
        module = re.sub(r"\.rules$", "", path.replace("\\", "/").rsplit("/", 1)[-1])
    return ast.RuleFile(path, module, tuple(statements))
