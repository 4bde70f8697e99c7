"""Every command is documented: help text with an example, and a mention in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from briefing.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += all_commands(command, f"{prefix}{name} ")
        else:
            found.append((f"{prefix}{name}", command))
    return found


@pytest.mark.parametrize(("name", "command"), all_commands(cli), ids=[n for n, _ in all_commands(cli)])
def test_command_has_help_with_an_example_and_is_in_the_readme(name: str, command: click.Command) -> None:
    assert command.help and "Example: briefing" in command.help
    assert f"briefing {name}" in README
