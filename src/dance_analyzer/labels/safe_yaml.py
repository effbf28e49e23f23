"""YAML for pose definitions, which users upload: plain data only, bounded in what it can cost.

``yaml.safe_load`` refuses arbitrary objects but not expensive ones. An alias repeats a
node without repeating its text: a few hundred bytes of nested aliases expand to
hundreds of megabytes once built, served and stored (the dumper writes the aliases back,
so every later read pays again). Deep nesting overflows the composer's recursion, and an
integer of thousands of digits makes ``int()`` refuse to convert it; both escaped as
crashes instead of a message. Pose files need none of these, so they are refused while
the text is read, with a ``yaml.YAMLError`` that names the problem and where it is.
"""

from __future__ import annotations

from typing import IO, Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import Node

# A pose file nests five levels (poses, a pose, when, a side rule, a range); room to spare.
MAX_DEPTH = 32
# Longer integers (a priority, a threshold) are typos or attacks, never definitions.
MAX_INTEGER_CHARS = 30


class _PlainLoader(yaml.SafeLoader):
    """The safe loader, refusing aliases, deep nesting and huge integers."""

    def __init__(self, stream: str | bytes | IO[str] | IO[bytes]) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            raise ComposerError(
                None,
                None,
                "YAML aliases (*name) are not allowed in pose definitions: write each value out",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise ComposerError(
                    None,
                    None,
                    f"the definition is nested deeper than {MAX_DEPTH} levels",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _bounded_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(node.value)
    if len(text) > MAX_INTEGER_CHARS:
        raise ConstructorError(
            None, None, f"a number of {len(text)} digits (at most {MAX_INTEGER_CHARS} are allowed)", node.start_mark
        )
    value: int = loader.construct_yaml_int(node)
    return value


_PlainLoader.add_constructor("tag:yaml.org,2002:int", _bounded_int)


class _ExpandingDumper(yaml.SafeDumper):
    """Writes a value shared between two places out twice rather than as an alias, so that
    what is stored can always be read back by :func:`load_yaml`."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _flat_lists_on_one_line(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.SequenceNode:
    """A range or a body's numbers on one line, as in poses.yaml, not one line per number."""
    flat = all(isinstance(v, int | float | bool) or v is None for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat or None)


_ExpandingDumper.add_representer(list, _flat_lists_on_one_line)


def load_yaml(text: str) -> Any:
    """The data in ``text`` (YAML or JSON); ``yaml.YAMLError`` saying what is wrong and where."""
    return yaml.load(text, Loader=_PlainLoader)  # a SafeLoader subclass: no arbitrary objects either


def dump_yaml(data: Any, stream: IO[str] | None = None) -> str | None:
    """``data`` as YAML, written to ``stream`` (or returned as text without one)."""
    text: str | None = yaml.dump(data, stream, Dumper=_ExpandingDumper, sort_keys=False, allow_unicode=True)
    return text
