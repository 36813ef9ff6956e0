"""Grammar packs as plugins: discovery through entry points, errors that name files, and
loading that never runs code from a pack.

Most packs here are loaded without the built-in pack (``default=False``), so no test pays
for compiling it; the ones that need it share the process-wide cache.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from conflictrules.extractor import Extractor, load_grammar
from conflictrules.grammar.errors import GrammarError
from conflictrules.grammar.loader import load_packs, read_manifest
from conflictrules.packs import (
    ENTRY_POINT_GROUP,
    default_pack_path,
    installed_packs,
    plugin_packs,
    resolve_packs,
)
from conflictrules.testing.examples import (
    assert_pack_examples,
    example_params,
    grammar_for,
    pack_rules,
    run_pack_examples,
)

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_PACK = REPO / "examples" / "aidworkers" / "src" / "conflictrules_aidworkers" / "grammar"

pytest_plugins = ["pytester"]


def write_pack(folder: Path, files: dict[str, str], *, name: str = "mine") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rules = " ".join(f for f in files if f.endswith(".rules"))
    (folder / "pack.cfg").write_text(
        f"[pack]\nname = {name}\nversion = 2.1.0\nfiles = {rules}\n", encoding="utf-8"
    )
    for fname, content in files.items():
        (folder / fname).write_text(textwrap.dedent(content), encoding="utf-8")
    return folder


RULE = """
rule aid.{name}
  match {{n: /\\d+/}} medics (were | was) hurt
  example "3 medics were hurt" => n="3"
"""


# --- errors that name files ------------------------------------------------------------------


def test_duplicate_rule_id_across_packs_names_both_files(tmp_path: Path) -> None:
    a = write_pack(tmp_path / "a", {"main.rules": RULE.format(name="hurt")}, name="a")
    b = write_pack(tmp_path / "b", {"other.rules": RULE.format(name="hurt")}, name="b")
    with pytest.raises(GrammarError) as info:
        Extractor(grammars=[a, b], plugins=False, default=False)
    text = str(info.value)
    first = text.splitlines()[0]
    assert first.startswith(f"{b / 'other.rules'}:2:6: rule aid.hurt is already defined in ")
    assert f"{a / 'main.rules'}:2:6" in first
    assert "override" in text


def test_override_across_packs_replaces_the_rule(tmp_path: Path) -> None:
    a = write_pack(tmp_path / "a", {"main.rules": RULE.format(name="hurt")}, name="a")
    b = write_pack(
        tmp_path / "b",
        {
            "other.rules": """
            rule aid.hurt override
              match {n: /\\d+/} paramedics (were | was) hurt
              example "4 paramedics were hurt" => n="4"
            """
        },
        name="b",
    )
    ex = Extractor(grammars=[a, b], plugins=False, default=False)
    assert ex.grammar.rule("aid.hurt").loc.path == str(b / "other.rules")
    assert [m.text for m in ex.match("Then 4 paramedics were hurt.", layers=["aid"])] == [
        "4 paramedics were hurt"
    ]


@pytest.mark.parametrize(
    ("source", "where", "message"),
    [
        ('rule aid.x\n  match {n: /\\d+/ medics\n  example "3 medics"\n', ":2:", "cannot parse"),
        ('rule aid.x\n  match medics\n  example "3 medics" => n=\n', ":3:", "cannot parse"),
        ('rule aid.x\n  match medics (were | was\n  example "x"\n', ":2:", "cannot parse"),
        ('rule Aid.x\n  match medics\n  example "medics"\n', ":1:6:", "rule id"),
        ('rule aid.x\n  match medics\n  example "medics"\nmatch x\n', ":4:1:", "unknown statement"),
        ('rule aid.x\n  match MEDICS\n  example "medics"\n', ":2:9:", "unknown name 'MEDICS'"),
    ],
)
def test_syntax_error_in_a_pack_gives_file_line_col(
    tmp_path: Path, source: str, where: str, message: str
) -> None:
    pack = write_pack(tmp_path / "p", {"main.rules": source})
    with pytest.raises(GrammarError) as info:
        Extractor(grammars=[pack], plugins=False, default=False)
    first, _line, caret = str(info.value).splitlines()[:3]
    assert first.startswith(str(pack / "main.rules") + where), first
    assert message in first
    assert caret.strip() == "^"
    col = int(first[len(str(pack / "main.rules")) + 1 :].split(":")[1])
    assert caret.index("^") - 2 == col - 1  # the caret sits under the column


def test_every_error_of_a_pack_is_reported_at_once(tmp_path: Path) -> None:
    pack = write_pack(
        tmp_path / "p",
        {
            "main.rules": 'rule aid.x\n  match {n: medics\n  example "x"\n',
            "more.rules": 'rule aid.y\n  match (nope\n  example "x"\n',
        },
    )
    with pytest.raises(GrammarError) as info:
        load_packs([read_manifest(str(pack))])
    text = str(info.value)
    assert f"{pack / 'main.rules'}:2:" in text
    assert f"{pack / 'more.rules'}:2:" in text


def test_a_pack_requiring_a_missing_pack_is_an_error(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "p", {"main.rules": RULE.format(name="x")})
    cfg = pack / "pack.cfg"
    cfg.write_text(cfg.read_text().replace("files =", "requires = maritime\nfiles ="))
    with pytest.raises(GrammarError, match="requires pack 'maritime'"):
        resolve_packs([pack], plugins=False, default=False)


# --- discovery through entry points ----------------------------------------------------------


@pytest.fixture
def fake_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A module on sys.path whose ``pack_path`` names a pack folder, registered under the
    ``conflictrules.grammars`` group by a patched ``importlib.metadata.entry_points``."""
    pack = write_pack(tmp_path / "fakepack", {"fake.rules": RULE.format(name="fake")}, name="fake")
    module = tmp_path / "site" / "fake_conflict_plugin.py"
    module.parent.mkdir()
    module.write_text(f"def pack_path():\n    return {str(pack)!r}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(module.parent))
    ep = importlib.metadata.EntryPoint(
        name="fake", value="fake_conflict_plugin:pack_path", group=ENTRY_POINT_GROUP
    )
    real = importlib.metadata.entry_points

    def entry_points(**params: str) -> object:
        if params.get("group") == ENTRY_POINT_GROUP:
            return importlib.metadata.EntryPoints([ep])
        return real(**params)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    yield pack
    sys.modules.pop("fake_conflict_plugin", None)


def test_plugin_is_discovered_through_its_entry_point(fake_plugin: Path) -> None:
    packs = installed_packs()
    assert [p.name for p in packs] == ["default", "fake"]
    default, fake = packs
    assert default.origin == "built-in"
    assert os.path.realpath(default.path) == os.path.realpath(default_pack_path())
    assert (fake.name, fake.version, fake.path) == ("fake", "2.1.0", str(fake_plugin))
    assert fake.origin == "entry point (fake_conflict_plugin:pack_path)"


def test_installed_plugin_rules_are_used_without_code_changes(fake_plugin: Path) -> None:
    packs = resolve_packs([], default=False)
    assert [p.name for p in packs] == ["fake"]
    ex = Extractor(default=False)
    assert [m.rule.id for m in ex.match("Then 7 medics were hurt.", layers=["aid"])] == ["aid.fake"]
    assert Extractor(default=False, plugins=False).grammar.rules == ()


def test_an_installed_pack_given_again_by_path_is_loaded_once(fake_plugin: Path) -> None:
    packs = resolve_packs([fake_plugin, "fake"], default=False)
    assert [p.name for p in packs] == ["fake"]
    assert Extractor(grammars=[fake_plugin], default=False).grammar.rule("aid.fake")


def test_the_grammars_command_lists_an_installed_plugin(
    fake_plugin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from conflictrules.cli import main

    version = read_manifest(str(default_pack_path())).version
    assert main(["grammars"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["default", version], ["fake", "2.1.0"]]
    assert "built-in" in lines[0]
    assert "entry point (fake_conflict_plugin:pack_path)" in lines[1]
    assert lines[1].rstrip().endswith(str(fake_plugin))
    assert main(["grammars", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(p["name"], p["version"], p["origin"]) for p in listed] == [
        ("default", version, "built-in"),
        ("fake", "2.1.0", "entry point (fake_conflict_plugin:pack_path)"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("raise RuntimeError('boom')\n", "failed to load: RuntimeError: boom"),
        ("def pack_path():\n    return 42\n", "returned 42, not a folder"),
        ("def pack_path():\n    return '/nonexistent/pack'\n", "grammar pack not found"),
    ],
)
def test_a_broken_plugin_names_itself(fake_plugin: Path, body: str, message: str) -> None:
    module = fake_plugin.parent / "site" / "fake_conflict_plugin.py"
    module.write_text(body, encoding="utf-8")
    sys.modules.pop("fake_conflict_plugin", None)
    with pytest.raises(GrammarError) as info:
        plugin_packs()
    assert "grammar plugin 'fake' (fake_conflict_plugin:pack_path)" in str(info.value)
    assert message in str(info.value)


# --- packs are data ---------------------------------------------------------------------------

MARKER_CODE = "import pathlib\npathlib.Path({marker!r}).write_text('ran')\n"


def test_loading_a_pack_never_runs_code_from_it(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    code = MARKER_CODE.format(marker=str(marker))
    pack = write_pack(
        tmp_path / "evil",
        {
            "main.rules": RULE.format(name="ok"),
            "__init__.py": code,
            "conftest.py": code,
            "evil.py": code,
            "setup.py": code,
        },
    )
    # a manifest that lists a .py file, and a rule file that imports the module by name
    (pack / "pack.cfg").write_text(
        "[pack]\nname = evil\nversion = 1\nfiles = main.rules evil.py\n", encoding="utf-8"
    )
    with pytest.raises(GrammarError):
        Extractor(grammars=[pack], plugins=False, default=False)
    (pack / "pack.cfg").write_text(
        "[pack]\nname = evil\nversion = 1\nfiles = main.rules\n", encoding="utf-8"
    )
    (pack / "main.rules").write_text("import evil\n" + RULE.format(name="ok"), encoding="utf-8")
    with pytest.raises(GrammarError, match="cannot import 'evil'"):
        Extractor(grammars=[pack], plugins=False, default=False)
    (pack / "main.rules").write_text(RULE.format(name="ok"), encoding="utf-8")
    ex = Extractor(grammars=[pack], plugins=False, default=False)
    assert ex.grammar.rule("aid.ok")
    assert run_pack_examples(pack, ex.grammar)[0].ok
    assert not marker.exists(), "a file of the pack was executed"


def test_an_entry_point_import_is_the_only_code_that_runs(
    fake_plugin: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "pack-marker"
    (fake_plugin / "__init__.py").write_text(MARKER_CODE.format(marker=str(marker)))
    (fake_plugin / "fake.py").write_text(MARKER_CODE.format(marker=str(marker)))
    assert [p.name for p in installed_packs()] == ["default", "fake"]
    Extractor(default=False)
    assert "fake_conflict_plugin" in sys.modules  # the entry point was imported
    assert not marker.exists()


# --- testing helpers and the pytest plugin -----------------------------------------------------


def test_example_helpers_on_a_pack(tmp_path: Path) -> None:
    pack = write_pack(
        tmp_path / "p",
        {
            "main.rules": RULE.format(name="ok")
            + 'rule aid.bad\n  match {n: /\\d+/} nurses\n  example "5 nurses" => n="6"\n'
        },
    )
    grammar = load_packs([read_manifest(str(pack))])
    assert [r.id for r in pack_rules(pack, grammar)] == ["aid.ok", "aid.bad"]
    params = example_params(pack, grammar)
    assert [p.id for p in params] == ["aid.ok[example1]", "aid.bad[example1]"]
    with pytest.raises(AssertionError) as info:
        assert_pack_examples(pack, grammar)
    text = str(info.value)
    assert text.startswith("1 grammar example(s) failed:")
    assert f"{pack / 'main.rules'}:7:11: rule aid.bad" in text
    assert "n: expected '6', got '5'" in text
    assert "expected: n='6'" in text and "got:      n='5'" in text


def test_grammar_for_the_default_pack_is_the_default_grammar() -> None:
    assert grammar_for(None) is load_grammar(plugins=False)
    assert grammar_for(default_pack_path()) is load_grammar(plugins=False)


def test_pytest_collects_a_packs_examples_with_readable_failures(
    pytester: pytest.Pytester,
) -> None:
    folder = pytester.path / "mypack"
    write_pack(
        folder,
        {
            "main.rules": RULE.format(name="ok")
            + 'rule aid.bad\n  match {n: /\\d+/} nurses\n  example "5 nurses" => n="6"\n'
            + '  never "7 nurses"\n'
        },
    )
    # the plugin is registered through the pytest11 entry point: no -p needed
    result = pytester.runpytest(str(folder), "-rf")
    result.assert_outcomes(passed=1, failed=2)
    out = result.stdout.str()
    assert "aid.bad[example1]" in out and "aid.bad[never2]" in out
    assert "main.rules:7:11: rule aid.bad: example \"5 nurses\": n: expected '6', got '5'" in out
    assert "matched '7 nurses' but must not" in out


def test_pytest_reports_a_broken_pack_as_file_line_col(pytester: pytest.Pytester) -> None:
    folder = pytester.path / "broken"
    write_pack(folder, {"main.rules": 'rule aid.x\n  match {n: medics\n  example "x"\n'})
    result = pytester.runpytest(str(folder))
    assert result.ret != 0
    assert f"{folder / 'main.rules'}:2:" in result.stdout.str()


# --- the worked example plugin, from its source folder ------------------------------------------


def test_the_example_plugin_pack_loads_on_the_default_one() -> None:
    grammar = grammar_for(EXAMPLE_PACK)
    ids = {r.id for r in pack_rules(EXAMPLE_PACK, grammar)}
    assert {"casualty.aid_worker_attack", "casualty.aid_convoy_attack"} <= ids
    assert any(r.layer == "facility" for r in pack_rules(EXAMPLE_PACK, grammar))
    assert_pack_examples(EXAMPLE_PACK, grammar)
    info = read_manifest(str(EXAMPLE_PACK))
    assert (info.name, info.version, info.requires) == ("aidworkers", "0.1.0", ())
