"""The README documents every setting and command a user can reach (a test that fails when one is not)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CODE = [
    p
    for folder in ("app.py", "pages", "ui", "present", "cli", "metrics", "data")
    for p in ([ROOT / folder] if folder.endswith(".py") else sorted((ROOT / folder).rglob("*.py")))
]


def test_every_environment_variable_is_documented():
    used = set()
    for path in CODE:
        used |= set(re.findall(r"SALESLENS_[A-Z_]+", path.read_text(encoding="utf-8")))
    assert {"SALESLENS_DB", "SALESLENS_DEMO_ORDERS"} <= used
    missing = {name for name in used if name not in README}
    assert not missing, f"undocumented environment variables: {sorted(missing)}"


def test_every_cli_command_is_documented():
    from data.__main__ import build_parser as data_parser

    data_commands = set(data_parser()._subparsers._group_actions[0].choices)  # noqa: SLF001
    assert {"demo", "load", "list", "delete"} <= data_commands
    for command in data_commands:
        assert f"python -m data {command}" in README, f"python -m data {command} is not in the README"
    from cli import main as cli

    top, _ = cli.parser(cli.area_modules())
    metrics_commands = set(top._subparsers._group_actions[0].choices)  # noqa: SLF001
    assert "export" in metrics_commands
    for command in metrics_commands:
        assert f"python -m metrics {command}" in README, f"python -m metrics {command} is not in the README"


def test_the_two_commands_are_in_the_readme():
    assert "streamlit run app.py" in README
    assert "python -m pytest" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci  # CI runs exactly the README's test command
