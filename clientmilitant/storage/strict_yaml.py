"""A strict YAML reader for the files a person edits by hand (outline.yaml, feedback.yaml).

It composes YAML nodes (never Python objects), so tags like `!!python/object` are refused, aliases
are refused before they can expand, duplicate and unknown keys are caught, and a value written
`yes`, `1.10` or `2007-12-13` stays the text the author typed. Every refusal names
`file:line:col`. A file's schema is a subclass that turns nodes into its model.
"""

from __future__ import annotations

from typing import Any

from clientmilitant.core.errors import BookError
from clientmilitant.core.text import did_you_mean

PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
NULL_TAG = "tag:yaml.org,2002:null"


class StrictReader:
    """Turns YAML nodes into data, failing at the first problem with its place."""

    where = "in this file"  # how messages name the file: "aliases are not allowed in an outline"

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.seen_nodes: set[int] = set()

    # -- text and syntax --

    def fail(self, node_or_mark: Any, message: str) -> BookError:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        if mark is None:
            return BookError(f"{self.filename}: {message}")
        return BookError(f"{self.filename}:{mark.line + 1}:{mark.column + 1}: {message}")

    def decode(self, data: bytes) -> str:
        if data.startswith(b"\xef\xbb\xbf"):
            raise BookError(
                f"{self.filename}:1:1: the file starts with a byte-order mark; save it as UTF-8 without BOM"
            )
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
            raise BookError(
                f"{self.filename}:{line}:{column}: byte 0x{data[error.start]:02x} is not UTF-8; save the file as UTF-8"
            ) from None

    def compose(self, text: str) -> Any:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            return yaml.compose(text, Loader=loader)
        except yaml.MarkedYAMLError as error:
            problem = error.problem or error.context or "invalid YAML"
            hint = ""
            if "mapping values are not allowed" in problem:
                hint = " (a value holding ': ' must be quoted, like title: 'Web2.0 : la suite')"
            elif "\t" in problem or "'\\t'" in problem:
                hint = " (indent with spaces, not tabs)"
            raise self.fail(error.problem_mark or error.context_mark, f"YAML syntax error: {problem}{hint}") from None
        except yaml.reader.ReaderError as error:  # a NUL or other control character: no mark, a position
            line = text.count("\n", 0, error.position) + 1
            column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
            character = f"character U+{error.character:04X}"
            raise BookError(
                f"{self.filename}:{line}:{column}: {character} is not allowed in YAML ({error.reason})"
            ) from None
        except (yaml.YAMLError, ValueError, RecursionError) as error:  # pyyaml#382, absurd nesting
            raise BookError(f"{self.filename}: YAML error: {' '.join(str(error).split())}") from None

    # -- node helpers --

    def visit(self, node: Any) -> Any:
        """Refuse aliases (the same node met twice) and non-standard tags."""
        if id(node) in self.seen_nodes:
            raise self.fail(node, f"YAML aliases (*name) are not allowed {self.where}; write the value out")
        self.seen_nodes.add(id(node))
        if node.tag not in PLAIN_TAGS:
            raise self.fail(node, f"the tag {node.tag!r} is not allowed {self.where}")
        return node

    def mapping(self, node: Any, what: str, allowed: tuple[str, ...]) -> dict[str, tuple[Any, Any]]:
        """A mapping's entries by key, as (key node, value node); no duplicates, no unknown keys."""
        import yaml

        self.visit(node)
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of keys to values")
        entries: dict[str, tuple[Any, Any]] = {}
        for key_node, value_node in node.value:
            self.visit(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, f"{what} has a key that is not text")
            key = key_node.value
            if key in entries:
                first = entries[key][0].start_mark.line + 1
                raise self.fail(key_node, f"duplicate key '{key}' in {what} (first at line {first})")
            if key not in allowed:
                close = did_you_mean(key, allowed)
                hint = f"did you mean '{close}'?" if close else f"expected one of: {', '.join(allowed)}"
                raise self.fail(key_node, f"unknown key '{key}' in {what}; {hint}")
            entries[key] = (key_node, value_node)
        return entries

    def sequence(self, node: Any, what: str) -> list[Any]:
        import yaml

        if self.is_null(node):
            return []
        self.visit(node)
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"'{what}' must be a list")
        return node.value

    def is_null(self, node: Any) -> bool:
        import yaml

        return (
            isinstance(node, yaml.ScalarNode)
            and node.tag == NULL_TAG
            and node.value in ("", "~", "null", "Null", "NULL")
        )

    def text(self, node: Any, what: str, required: bool = False) -> str:
        """A scalar's text exactly as written: YAML 1.1 never turns it into a bool, date or number."""
        import yaml

        if self.is_null(node):
            if required:
                raise self.fail(node, f"{what} must not be empty")
            self.visit(node)
            return ""
        self.visit(node)
        if not isinstance(node, yaml.ScalarNode):
            kind = "a mapping" if isinstance(node, yaml.MappingNode) else "a list"
            hint = " (quote text that holds ': ', like - 'Chapitre 1 : Le début')" if kind == "a mapping" else ""
            raise self.fail(node, f"{what} must be text, not {kind}{hint}")
        if required and not node.value.strip():  # `title: ''` is not null, and still no title
            raise self.fail(node, f"{what} must not be empty")
        return node.value
