"""The import rules of docs/architecture.md hold: the contracts in pyproject.toml's
[tool.importlinter] pass on the code as it is."""

import tomllib
from pathlib import Path

from importlinter import configuration
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parent.parent


def test_every_import_contract_is_kept(capsys):
    configuration.configure()
    kept = use_cases.lint_imports(
        config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True
    )
    assert kept, capsys.readouterr().out


def test_every_plain_python_engine_has_its_contract():
    """scoring/ and costing/ import nothing of Django or of the other apps. A contract can
    only name a module that exists, so the cost engine's is added when it arrives."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    for engine in ("scoring", "costing"):
        if not (ROOT / "governance" / engine).is_dir():
            continue
        guarded = [
            c
            for c in contracts
            if c["type"] == "forbidden"
            and c["source_modules"] == [f"governance.{engine}"]
            and "django" in c["forbidden_modules"]
        ]
        assert guarded, f"governance/{engine}/ has no contract keeping it free of Django"
