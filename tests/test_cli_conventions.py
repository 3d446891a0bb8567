"""Conventions every command keeps: help with an example, --json without colour, colour rules,
exit statuses, --version, shell completion, and golden outputs at a fixed width without colour."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from conftest import Cm

from clientmilitant import __version__
from clientmilitant.cli.app import app

# Commands that list or read something and so must offer --json.
READING_COMMAND_NAMES = {"show", "list", "stats", "check", "path"}
# An SGR sequence that sets a colour (foreground or background), as opposed to bold or dim.
COLOUR_CODE = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


def walk(command, path: tuple[str, ...] = ("cm",)):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


ALL = list(walk(typer.main.get_command(app)))
LEAVES = [(" ".join(path), command) for path, command in ALL if not hasattr(command, "commands")]
GROUPS = [(" ".join(path), command) for path, command in ALL if hasattr(command, "commands")]


def options(command):
    """The options a person types, without --help and typer's own completion options."""
    own = {"help", "install_completion", "show_completion"}
    return [p for p in command.params if p.param_type_name == "option" and p.name not in own]


# --- help ---------------------------------------------------------------------------------------


def test_the_walk_sees_the_commands():
    names = {name for name, _ in LEAVES}
    assert {"cm stats", "cm check", "cm chapter edit", "cm chapter path", "cm outline show"} <= names


@pytest.mark.parametrize(("name", "command"), LEAVES, ids=[name for name, _ in LEAVES])
def test_every_command_has_help_with_an_example(name: str, command):
    text = command.help or ""
    assert text.strip(), f"`{name}` has no help: give its function a docstring"
    examples = [line.strip() for line in text.splitlines() if line.strip().startswith("Example:")]
    assert examples, f"`{name}` has no `Example: cm …` line in its help"
    assert all(line.removeprefix("Example:").strip().startswith("cm ") for line in examples), examples


@pytest.mark.parametrize(("name", "command"), [(" ".join(p), c) for p, c in ALL], ids=[" ".join(p) for p, _ in ALL])
def test_every_option_has_help(name: str, command):
    missing = [option.opts[0] for option in options(command) if not (option.help or "").strip()]
    assert not missing, f"`{name}`: options without help: {missing}"


@pytest.mark.parametrize(("name", "command"), GROUPS, ids=[name for name, _ in GROUPS])
def test_every_group_has_help(name: str, command):
    assert (command.help or "").strip(), f"`{name}` has no help text"


@pytest.mark.parametrize(
    ("name", "command"),
    [(n, c) for n, c in LEAVES if n.split()[-1] in READING_COMMAND_NAMES],
    ids=[n for n, _ in LEAVES if n.split()[-1] in READING_COMMAND_NAMES],
)
def test_reading_commands_offer_json(name: str, command):
    assert any("--json" in option.opts for option in options(command)), f"`{name}` lists or reads: give it --json"


def test_help_shows_the_example(cm):
    for args in (["stats"], ["check"], ["chapter", "edit"], ["chapter", "path"]):
        result = cm(*args, "--help").ok()
        assert "Example: cm " in result.stdout and "\x1b" not in result.stdout


# --- version and completion ---------------------------------------------------------------------


def test_version(cm):
    result = cm("--version").ok()
    assert result.stdout == f"cm {__version__}\n"


def test_shell_completion_is_offered(cm):
    help_text = cm("--help").ok().stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    # What --install-completion writes, asked for the shell by name (detection reads the process tree).
    script = cm(env={"_CM_COMPLETE": "source_bash"}).ok().stdout
    assert "_cm_completion" in script and "complete " in script
    words = cm(env={"_CM_COMPLETE": "complete_bash", "COMP_WORDS": "cm outl", "COMP_CWORD": "1"}).ok().stdout
    assert words.split() == ["outline"]


# --- exit statuses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-command"],
        ["stats", "--no-such-option"],
        ["outline", "show", "--depth", "0"],
        ["chapter", "path"],
        ["chapter", "path", "9.9"],
        ["chapter", "edit", "nowhere"],
    ],
)
def test_bad_input_or_use_exits_2(cm, args: list[str]):
    result = cm(*args)
    assert result.code == 2, result
    assert result.stderr.strip() and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_failed_check_exits_1_and_says_so_on_stderr(cm, small_book: Path):
    (small_book / "chapters" / "masses.md").write_text("[perdu](#nulle-part)\n", encoding="utf-8")
    result = cm("check")
    assert result.code == 1
    assert result.stderr == "cm: check found 1 error\n"
    assert "chapters/masses.md:1:9: error [broken-link]" in result.stdout


def test_without_a_book_commands_exit_2(tmp_path: Path):
    for args in (["stats"], ["check"], ["chapter", "path", "1"]):
        result = Cm(tmp_path)(*args)
        assert result.code == 2 and result.stderr.startswith("cm: no outline.yaml")


# --- JSON and colour ----------------------------------------------------------------------------


def coloured(cm: Cm) -> Cm:
    """The same cm, as if on a colour terminal: NO_COLOR unset, rich told that stdout is a terminal."""
    terminal = Cm(cm.cwd)
    terminal.env.pop("NO_COLOR", None)
    terminal.env.update({"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"})
    return terminal


JSON_COMMANDS = [
    ["outline", "show", "--json"],
    ["stats", "--json"],
    ["check", "--json"],
    ["book", "show", "--json"],
    ["chapter", "path", "2.1", "--json"],
]


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=[" ".join(a) for a in JSON_COMMANDS])
def test_json_parses_and_holds_no_colour_even_on_a_colour_terminal(cm, small_book: Path, args: list[str]):
    (small_book / "chapters" / "orphelin.md").write_text("Un [titre] avec [bold]crochets[/bold].\n", encoding="utf-8")
    result = coloured(cm)(*args)
    assert result.code == 0, result
    assert "\x1b" not in result.stdout
    json.loads(result.stdout)


@pytest.mark.parametrize("args", [["outline", "show"], ["stats"], ["check"]])
def test_colour_only_on_a_terminal_and_never_with_no_color(cm, small_book: Path, args: list[str]):
    (small_book / "chapters" / "orphelin.md").write_text("Texte orphelin.\n", encoding="utf-8")  # a warning to show
    terminal = coloured(cm)
    assert COLOUR_CODE.search(terminal(*args).ok().stdout), "a colour terminal gets colour"
    with_no_color = terminal(*args, env={"NO_COLOR": "1"}).ok().stdout
    assert not COLOUR_CODE.search(with_no_color), "NO_COLOR means no colour, even on a terminal"
    piped = Cm(cm.cwd)
    piped.env.pop("NO_COLOR", None)
    assert "\x1b" not in piped(*args).ok().stdout, "output to a pipe or file has no escape codes at all"


def test_rich_markup_in_the_authors_text_is_shown_as_typed(cm):
    cm("section", "rename", "1.2", "Le [b]client[/b] [x]").ok()
    assert "Le [b]client[/b] [x]" in cm("stats").ok().stdout
    assert "Le [b]client[/b] [x]" in cm("outline", "show").ok().stdout


# --- golden outputs -----------------------------------------------------------------------------


def test_golden_outline_show(cm, golden):
    """`cm outline show` on the small book, without colour at 100 columns (the `cm` fixture's settings)."""
    golden("outline-show.txt", cm("outline", "show").ok().stdout)
    golden("outline-show-sources.txt", cm("outline", "show", "--sources").ok().stdout)


def test_golden_check(cm, small_book: Path, golden):
    (small_book / "chapters" / "masses.md").write_text(
        "Voir [la suite](#web-20) et [ça](web20.md).\n", encoding="utf-8"
    )
    (small_book / "chapters" / "ancien.md").write_text("Un texte oublié.\n", encoding="utf-8")
    result = cm("check")
    assert result.code == 1
    golden("check.txt", result.stdout)
