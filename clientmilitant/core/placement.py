"""Where a section goes when it is added or moved: a value of the domain, not a set of CLI options.

`Before(ref)`, `After(ref)`, `Under(ref, position)`, `Top(position)` place a section; `Up()` and
`Down()` move it among its siblings. The CLI maps its flags to one of them and words flag errors
itself; the model (model.add_section, model.move_section) takes the value.
"""

from __future__ import annotations


class _Value:
    """A small value compared by its fields. A plain class: each dataclass costs ~1 ms when cm starts."""

    __slots__: tuple[str, ...] = ()

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._fields() == other._fields()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self._fields()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self._fields()))})"


class Before(_Value):
    """Just before the section `ref`, among its siblings."""

    __slots__ = ("ref",)

    def __init__(self, ref: str) -> None:
        self.ref = ref


class After(_Value):
    """Just after the section `ref`, among its siblings."""

    __slots__ = ("ref",)

    def __init__(self, ref: str) -> None:
        self.ref = ref


class Under(_Value):
    """Inside the section `ref`, at `position` (from 1) among its sub-sections; last when None."""

    __slots__ = ("ref", "position")

    def __init__(self, ref: str, position: int | None = None) -> None:
        self.ref, self.position = ref, position


class Top(_Value):
    """At the top level (a part), at `position` (from 1) among the parts; last when None."""

    __slots__ = ("position",)

    def __init__(self, position: int | None = None) -> None:
        self.position = position


class Up(_Value):
    """One place earlier among its siblings (a move only)."""


class Down(_Value):
    """One place later among its siblings (a move only)."""


Place = Before | After | Under | Top  # where a new or moved section goes
Where = Place | Up | Down  # where a section moves
