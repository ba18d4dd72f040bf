"""The README documents every command and every shortcut the code has."""

from __future__ import annotations

from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme() -> None:
    from desk.cli.main import cli

    missing = [
        name for name in cli.commands if f"desk {name}" not in README and f"`{name} " not in README
    ]
    assert missing == []


def test_every_shortcut_is_in_the_readme(qapp) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.actions import REGISTRY, shortcut_text

    missing = []
    for spec in REGISTRY:
        keys = shortcut_text(spec)
        label = spec.label.replace("&", "").replace("…", "")
        if keys and f"| {label} |" not in README:
            missing.append(label)
    assert missing == []
