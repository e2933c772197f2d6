"""Where the loader's YAML events come from: libyaml (ruamel.yaml.clib) when it reads the text as the
pure parser would, else nothing, and `source.py` asks ruamel's pure parser, whose messages it reports.
"""
from __future__ import annotations

import re

try:
    from _ruamel_yaml import CParser as _CParser  # ruamel.yaml.clib's libyaml, as ruamel.yaml itself imports it
except ImportError:  # a platform without the wheel: the pure parser, slower, same trees
    _CParser = None


# Characters on which the two parsers part (found by comparing them on mutated content): a tab the pure
# parser refuses and libyaml takes; a BOM inside the text; LS/PS, which are line breaks to libyaml only;
# a block scalar's `|` or `>` with a comment glued to it (`>#`), which libyaml takes for a comment.
_PURE_ONLY = re.compile("[\t\ufeff\u2028\u2029]|[|>][-+0-9]*#")


_DEPTH_STEP = {"MappingStartEvent": 1, "SequenceStartEvent": 1, "MappingEndEvent": -1, "SequenceEndEvent": -1}


def fast_events(text: str, max_depth: int) -> list | None:
    """Every event of `text` from libyaml (ruamel.yaml.clib), or None when it refuses the text or is
    not installed: the pure round-trip parser then reads it, and its message is the one reported.

    The pure parser took a quarter of a cold build; the C parser is about ten times faster. Both
    are YAML parsers of the same library, and the events they give for a text both accept are the
    same (types, values, styles, marks; `test_yaml_parsers.py` compares them on every file shipped and
    on generated texts), save that plain scalars have style '' here and None there."""
    if _CParser is None or _PURE_ONLY.search(text):
        return None
    parser = _CParser(text)
    try:
        events, depth = [], 0
        while parser.check_event():
            event = _plain(parser.get_event())
            depth += _DEPTH_STEP.get(type(event).__name__, 0)
            if depth > max_depth:  # libyaml's scanner is quadratic in flow nesting (99 s at 100,000
                return None        # levels); stop at the limit: the pure parser refuses it, positioned
            events.append(event)
        return events
    except Exception:  # noqa: BLE001 - the pure parser reads it again and reports it positioned
        return None
    finally:
        parser.dispose()


def _plain(event):
    if getattr(event, "style", None) == "":
        event.style = None
    return event
