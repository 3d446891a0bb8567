"""The command-line interface: parse options, call one service, render (typer and rich live here only:
see the import contracts in pyproject.toml)."""
