"""YAML for content files, without the parts an attacker can abuse.

Front matter, course.yaml and contacts.yaml are read with PyYAML's safe loader, and
more strictly still: anchors and aliases are refused (an alias "bomb" of a few hundred
bytes expands to gigabytes), nesting is limited (thousands of nested "[" overflow the
composer's recursion), and so is the size of the text.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import Node

from courses.content.messages import N_

MAX_DEPTH = 20  # real content nests three or four levels
MAX_CHARACTERS = 200_000  # contacts.yaml, the largest, is about 25,000


class YamlProblem(ValueError):
    """YAML that cannot be used; `line` is 1-based in the text given."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _StrictLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors and aliases and limiting depth."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem(
                event.start_mark.line + 1,
                N_("anchors (&name) and aliases (*name) are not allowed: write it out"),
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise YamlProblem(
                event.start_mark.line + 1,
                N_("nested more than %(depth)d levels deep", depth=MAX_DEPTH),
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def compose_yaml(text: str) -> tuple[Any, Node | None]:
    """Return the data in `text` and its node tree (for line numbers).

    Raises YamlProblem with the line of the first problem.
    """
    if len(text) > MAX_CHARACTERS:
        raise YamlProblem(
            1, N_("longer than %(count)d characters", count=MAX_CHARACTERS)
        )
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "the text cannot be read"
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, " ".join(str(problem).split())) from None
    finally:
        loader.dispose()
    return data, node


def load_yaml(text: str) -> Any:
    """Return the data in `text`, or raise YamlProblem."""
    return compose_yaml(text)[0]
