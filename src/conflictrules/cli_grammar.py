"""The grammar author's subcommands: ``check``, ``explain`` and ``grammars``.

``check`` validates packs or rule files (syntax, names, duplicate ids, word lists), runs
their inline examples and reports every problem as ``file:line:col``; ``explain`` shows,
sentence by sentence, which rules the prefilter let through, which matched, which lost an
overlap and to whom, with every capture, then the records built from them; ``grammars``
lists the installed packs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from conflictrules.grammar.errors import GrammarError

PROG = "conflictrules"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _err(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


# --- check ----------------------------------------------------------------------------------


def add_check(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "check",
        help="validate grammar packs or rule files and run their examples",
        description="Load each pack (a folder with pack.cfg) or .rules file on top of the "
        "built-in pack, report every mistake as file:line:col with a caret, run the inline "
        "examples of its rules, and exit 1 if anything is wrong.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PACK",
        help="packs or .rules files (default: the built-in pack)",
    )
    p.add_argument("--no-examples", action="store_true", help="only load, do not run examples")
    p.add_argument(
        "--no-safety",
        action="store_true",
        help="skip the analysis for rules that can backtrack catastrophically (docs/limits.md)",
    )
    p.set_defaults(handler=cmd_check)


def _checked_files(paths: Sequence[str], grammar_files: Sequence[str]) -> set[str]:
    """The rule files whose rules ``check`` reports on."""
    if not paths:
        return {os.path.realpath(f) for f in grammar_files}
    wanted: set[str] = set()
    for p in paths:
        real = os.path.realpath(p)
        if os.path.isdir(real):
            wanted |= {
                os.path.realpath(f)
                for f in grammar_files
                if os.path.realpath(f).startswith(real + os.sep)
            }
        else:
            wanted.add(real)
    return wanted


def cmd_check(args: argparse.Namespace) -> int:
    from conflictrules.extractor import load_grammar
    from conflictrules.grammar.examples import run_example
    from conflictrules.packs import default_pack_path

    paths = [p for p in args.paths]
    for p in paths:
        if not os.path.exists(p):
            _err(f"{p}: no such pack or file")
            return EXIT_USAGE
    default = os.path.realpath(default_pack_path())
    extra = [p for p in paths if os.path.realpath(p) != default]
    try:
        grammar = load_grammar(extra, plugins=False)
    except GrammarError as e:
        print(str(e))
        print(f"{PROG} check: failed to load", file=sys.stderr)
        return EXIT_FAILED
    files = _checked_files(paths, grammar.files)
    rules = [r for r in grammar.rules if os.path.realpath(r.loc.path) in files]
    problems: list[str] = []
    n_examples = 0
    if not args.no_examples:
        for rule in rules:
            for example in rule.examples:
                n_examples += 1
                result = run_example(rule, example)
                if not result.ok:
                    problems.append(result.render())
    n_unsafe = 0
    if not args.no_safety and rules:
        from conflictrules.grammar.safety import check_rules

        unsafe = check_rules(grammar, rules={r.id for r in rules})
        n_unsafe = len(unsafe)
        problems.extend(err.render() for err in unsafe)
    for line in problems:
        print(line)
    safety = "" if args.no_safety else f", {n_unsafe} unsafe"
    summary = (
        f"{len(rules)} rules in {len(files)} files, {n_examples} examples{safety}: "
        f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    )
    print(f"{PROG} check: {summary}", file=sys.stderr)
    return EXIT_FAILED if problems else EXIT_OK


# --- explain --------------------------------------------------------------------------------


def add_explain(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "explain",
        help="show why each rule fired (or did not) on a text",
        description="Split TEXT into sentences and show, for each, the rules the prefilter "
        "let through, every match with its captures and span, the matches that lost an "
        "overlap, and the records built from the winners.",
    )
    p.add_argument("text", metavar="TEXT", help="the text, or - to read standard input")
    p.add_argument(
        "--grammar",
        "-g",
        action="append",
        default=[],
        metavar="PATH",
        help="an extra grammar pack (repeatable)",
    )
    p.add_argument("--published", metavar="DATE", help="publication date, YYYY-MM-DD")
    p.add_argument(
        "--layer",
        action="append",
        default=[],
        metavar="LAYER",
        help="only these layers (repeatable; default: all)",
    )
    p.add_argument("--rule", metavar="ID", help="say why this rule did or did not match")
    p.add_argument("--json", action="store_true", help="also print the document's JSON")
    p.set_defaults(handler=cmd_explain)


def _captures(match: Any) -> list[str]:
    out = []
    for c in match.captures:
        value = f" -> {dict(c.values)}" if c.values else ""
        out.append(f"      {c.field} = {c.text!r} [{c.span[0]}:{c.span[1]}]{value}")
    return out


def cmd_explain(args: argparse.Namespace) -> int:
    from conflictrules.engine.matching import Budget, RuleSet, resolve_overlaps
    from conflictrules.engine.normalise import Normalised
    from conflictrules.engine.sentences import split_sentences
    from conflictrules.extractor import LAYERS, Extractor

    text = sys.stdin.read() if args.text == "-" else args.text
    try:
        ex = Extractor(grammars=args.grammar)
    except GrammarError as e:
        print(str(e), file=sys.stderr)
        return EXIT_FAILED
    layers = args.layer or list(LAYERS)
    unknown = [la for la in layers if not ex.grammar.layer(la)]
    if unknown:
        _err(f"no rules in layer(s) {', '.join(unknown)}")
        return EXIT_USAGE
    if args.rule is not None:
        try:
            ex.grammar.rule(args.rule)
        except KeyError:
            _err(f"no rule {args.rule!r} is loaded")
            return EXIT_USAGE
    out: list[str] = []
    budget = Budget(ex.budget_seconds)
    for i, (start, end) in enumerate(split_sentences(text)):
        norm = Normalised(text[start:end], base=start)
        out.append(f"sentence {i} [{start}:{end}] {text[start:end]!r}")
        found = []
        for layer in layers:
            rs = ex.rulesets[layer] if layer in ex.rulesets else RuleSet(ex.grammar.layer(layer))
            candidates = rs.candidates(norm.text)
            matches = rs.run(norm, text, i, budget, only=candidates)
            found.extend(matches)
            ran = {rs.rules[c].id for c in candidates}
            if args.rule is not None and any(r.id == args.rule for r in rs.rules):
                if args.rule not in ran:
                    triggers = next(r.triggers for r in rs.rules if r.id == args.rule)
                    out.append(
                        f"  {args.rule}: skipped by the prefilter (needs one of: "
                        f"{', '.join(sorted(triggers or ()))})"
                    )
                elif not any(m.rule.id == args.rule for m in matches):
                    out.append(f"  {args.rule}: ran, no match in this sentence")
        kept = resolve_overlaps(found)
        for m in sorted(found, key=lambda m: (m.span[0], m.rule.layer)):
            won = m in kept
            rival = (
                ""
                if won
                else next(
                    (
                        f" (lost the overlap to {k.rule.id} {k.span[0]}:{k.span[1]})"
                        for k in kept
                        if k.rule.layer == m.rule.layer
                        and k.span[0] < m.span[1]
                        and m.span[0] < k.span[1]
                    ),
                    "",
                )
            )
            mark = "+" if won else "-"
            out.append(
                f"  {mark} {m.rule.id} (priority {m.rule.priority}) "
                f"[{m.span[0]}:{m.span[1]}] {m.text!r}{rival}"
            )
            out.extend(_captures(m))
    doc = ex.extract(text, published=args.published)
    out.append("records:")
    for n, c in enumerate(doc.casualties):
        out.append(
            f"  casualty {n}: {c.outcome} {c.count.estimate} "
            f"(qualifier={c.count.qualifier}, low={c.count.low}, high={c.count.high}) "
            f"victims={c.victims!r} perpetrator={c.perpetrator} "
            f"victim_actor={c.victim_actor} time={c.time.text if c.time else None!r} "
            f"attribution={c.attribution} negated={c.negated} hedge={c.hedge} "
            f"subset_of={c.subset_of} toll={c.toll} <- {c.rule}"
        )
    for n, a in enumerate(doc.attributions):
        out.append(
            f"  attribution {n}: {a.source!r} verb={a.verb} actor={a.source_actor} "
            f"type={a.source_type} medium={a.medium} <- {a.rule}"
        )
    for actor in doc.actors:
        out.append(
            f"  actor {actor.id} ({actor.type}) {actor.name!r} mentions={list(actor.mentions)}"
        )
    totals = ", ".join(f"{k}={v.estimate}" for k, v in doc.totals.items()) or "none"
    out.append(f"totals: {totals}")
    out.extend(f"error: {problem}" for problem in doc.errors)
    print("\n".join(out))
    if args.json:
        print(json.dumps(doc.to_dict(), ensure_ascii=False, indent=2))
    return EXIT_OK


# --- grammars -------------------------------------------------------------------------------


def add_grammars(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "grammars",
        help="list the installed grammar packs",
        description="List the built-in pack and the packs installed through the "
        "'conflictrules.grammars' entry point, with versions and where they come from.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_grammars)


def cmd_grammars(args: argparse.Namespace) -> int:
    from conflictrules.packs import default_pack, plugin_packs

    try:
        packs = [default_pack(), *plugin_packs()]
    except GrammarError as e:
        _err(str(e))
        return EXIT_FAILED
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": p.name,
                        "version": p.version,
                        "origin": p.origin,
                        "path": os.fspath(p.path),
                        "description": p.description,
                    }
                    for p in packs
                ],
                indent=2,
            )
        )
        return EXIT_OK
    width = max(len(p.name) for p in packs)
    for p in packs:
        print(f"{p.name:<{width}}  {p.version:<8}  {p.origin:<28}  {p.path}")
    return EXIT_OK


SUBCOMMANDS: list[Callable[[Any], None]] = [add_check, add_explain, add_grammars]
