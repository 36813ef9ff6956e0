"""The installed package finds its grammars and runs from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import conflictrules
from conflictrules.packs import default_pack_path

REPO = Path(__file__).resolve().parents[1]
CONTRACT_KEYS = {"id", "published", "casualties", "totals", "actors", "attributions", "errors"}


def test_default_pack_ships_inside_an_installed_wheel() -> None:
    package_dir = Path(conflictrules.__file__).resolve().parent
    pack = Path(default_pack_path()).resolve()
    assert (pack / "pack.cfg").is_file()
    if "site-packages" in str(package_dir):  # a non-editable install (as in CI)
        assert pack.is_relative_to(package_dir), pack


def test_extract_seeds_from_the_root_directory() -> None:
    seeds = REPO / "seeds"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [sys.executable, "-m", "conflictrules", "extract", str(seeds), "--format", "jsonl",
         "--jobs", "1", "--quiet"],
        cwd="/", capture_output=True, text=True, timeout=300, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    texts = sorted(seeds.glob("*.txt"))
    assert len(lines) == len(texts) == 8
    for line, path in zip(lines, texts, strict=True):
        obj = json.loads(line)
        assert set(obj) >= CONTRACT_KEYS
        assert obj["id"].endswith(path.name)
        text = path.read_text(encoding="utf-8")
        for c in obj["casualties"]:
            start, end = c["span"]
            assert text[start:end] == c["text"]
