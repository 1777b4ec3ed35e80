"""PyYAML's safe parser, with the limits of ``bot.knowledge.yamlfile``.

Its own module so that PyYAML (0.8 MB of memory, 10-15 ms to import) loads only when a file
is parsed: a bot that starts from its index cache, and reloads nothing, never needs it.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from bot.knowledge.problems import quote
from bot.knowledge.yamlfile import MAX_DEPTH, MAX_NODES, UnreadableFile, YamlList, YamlMap

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _SafeLoader(Composer, CParser, SafeConstructor, Resolver):
        """libyaml's scanner and parser (about 10x faster) with PyYAML's own composer.

        The Python composer keeps composition subject to Python's recursion limit, and the
        safe constructor builds nothing but plain data: ``yaml.safe_load`` semantics.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml
    _SafeLoader = yaml.SafeLoader  # type: ignore[misc,assignment]

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"


def read_document(text: str) -> Any:
    """The one YAML document in ``text`` as YamlMap/YamlList/scalars; ``UnreadableFile`` with
    the line of the first problem (invalid YAML, a limit passed, an anchor, a tag)."""
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise UnreadableFile("file holds no YAML content (only comments?)", 1)
        return _Walker(loader).value(node, depth=0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UnreadableFile(
            f"invalid YAML: {exc.problem or exc.context}", mark.line + 1 if mark else 1
        ) from None
    except yaml.YAMLError as exc:
        raise UnreadableFile(f"invalid YAML: {exc}", 1) from None
    except RecursionError:
        raise UnreadableFile(f"YAML is nested too deeply (the limit is {MAX_DEPTH} levels)", 1) from None
    finally:
        loader.dispose()


class _Walker:
    """Turns a composed node tree into YamlMap/YamlList/scalars, enforcing the limits.

    Anchors and aliases are refused outright: knowledge files never need them, and refusing
    them is what defuses alias bombs (the walk never revisits a node).
    """

    def __init__(self, loader: _SafeLoader) -> None:
        self._loader = loader
        self._seen: set[int] = set()

    def value(self, node: yaml.Node, depth: int) -> Any:
        line = node.start_mark.line + 1
        if id(node) in self._seen:
            raise UnreadableFile("YAML anchors and aliases (&name / *name) are not supported here", line)
        self._seen.add(id(node))
        if len(self._seen) > MAX_NODES:
            raise UnreadableFile(f"too many YAML values (the limit is {MAX_NODES:,})", line)
        if depth > MAX_DEPTH:
            raise UnreadableFile(f"YAML is nested too deeply (the limit is {MAX_DEPTH} levels)", line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth, line)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise UnreadableFile(f"unsupported YAML tag {node.tag}", line)
            items = YamlList(line)
            for child in node.value:
                items.append(self.value(child, depth + 1))
                items.item_lines.append(child.start_mark.line + 1)
            return items
        if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value  # what the safe constructor makes of a str scalar, without its dispatch
        try:
            return self._loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise UnreadableFile(f"invalid value: {getattr(exc, 'problem', None) or exc}", line) from None
        except ValueError as exc:
            raise UnreadableFile(f"invalid value {quote(node.value)}: {exc}", line) from None

    def _mapping(self, node: yaml.MappingNode, depth: int, line: int) -> YamlMap:
        if node.tag != _MAP_TAG:
            raise UnreadableFile(f"unsupported YAML tag {node.tag}", line)
        mapping = YamlMap(line)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise UnreadableFile("YAML merge keys (<<) are not supported here", key_line)
            key = self.value(key_node, depth + 1)
            if not isinstance(key, str):
                raise UnreadableFile(f"keys must be text, found {quote(repr(key))}", key_line)
            if key in mapping:
                first = mapping.key_lines[key]
                raise UnreadableFile(f"duplicate key {quote(key)} (first at line {first})", key_line)
            mapping[key] = self.value(value_node, depth + 1)
            mapping.key_lines[key] = key_line
            mapping.value_lines[key] = value_node.start_mark.line + 1
        return mapping
