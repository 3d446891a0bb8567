"""The house rules, checked: the import contracts of pyproject.toml ([tool.importlinter]), ruff,
and the size of modules.

The contracts run through `lint-imports` itself. To show that they can fail, one test copies the
package to a temporary folder, breaks a rule there (typer imported by the pure model) and expects
`lint-imports` to refuse it.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO

BIN = Path(sys.executable).parent
PACKAGE = REPO / "clientmilitant"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is not installed in the test environment: pip install -e '.[test]'"
    return str(path)


def lint_imports(folder: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool("lint-imports"), "--no-cache"], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_import_contracts_hold():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_broken_contract_is_caught(tmp_path: Path):
    shutil.copytree(PACKAGE, tmp_path / "clientmilitant", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    model = tmp_path / "clientmilitant" / "core" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nimport typer  # a violation\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = lint_imports(tmp_path, env)
    assert result.returncode != 0, result.stdout
    assert "typer and rich only in cli/ BROKEN" in " ".join(result.stdout.split())
    assert "clientmilitant.core.model -> typer" in result.stdout
    # and the copy was the one analysed: without the violation it passes
    model.write_text(model.read_text(encoding="utf-8").replace("import typer  # a violation", ""), encoding="utf-8")
    assert lint_imports(tmp_path, env).returncode == 0


def test_every_command_module_is_in_the_independence_contract():
    from clientmilitant.cli.app import NOUNS

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    independent = next(c for c in contracts if c["type"] == "independence")["modules"]
    commands = {f"clientmilitant.cli.{module}" for module, _ in NOUNS.values()}
    assert set(independent) == commands


@pytest.mark.parametrize("check", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff_is_clean(check: list[str]):
    result = subprocess.run([tool("ruff"), *check, "."], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(REPO)): n for p in modules() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these by job: {long}"


def test_long_functions_say_why():
    """A function over 50 lines carries a comment starting `# long:` (on the line above it or in its
    first lines) saying why."""
    unexplained = []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                head = lines[max(0, node.lineno - 2) : node.lineno + 15]
                if length > MAX_FUNCTION_LINES and not any("# long:" in line for line in head):
                    unexplained.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({length} lines)")
    assert not unexplained, "split these or say why they are long:\n" + "\n".join(unexplained)
