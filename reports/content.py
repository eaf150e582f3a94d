"""A paper's content as stored: each action once.

``reports.papers.generate`` returns the *document*: every section with its actions written out in full (an action
is in its report's plan table, its agency's list, the overdue bands and the period's changes, so a 500-action
paper repeats each action five or six times: 2.6 MB of JSON). ``pack`` stores it with each action once, under
``"actions"``, and every place that shows an action holding a reference to it; ``unpack`` gives the document back,
equal to what was generated. Everything that renders a paper reads the document (``Paper.document``).

Content stored before this shape (no ``"format"`` key: every paper issued before it) is its own document and is
read as it was stored, so an issued paper renders as it always has.

References:

* ``{"@": id}`` is the action ``id``; other keys beside it are the entry's own (a completion's date and evidence).
* ``{"@base": id, ...}`` is an entry of the period's changes: the action's id, reference, description and owner,
  and the entry's own keys.
"""

from collections.abc import Mapping, Sequence

from .paper_parts import BASE, digests

FORMAT = 2
PACKING = ("format", "actions", "parts")  # keys of the stored content that are not the document's


def pack(document):
    """The document as stored: each action (``document`` holds them under each section) once."""
    actions = {}
    for agency in document.get("agencies", ()):
        for item in agency["actions"]:
            actions[item["id"]] = item
    for item in document.get("unlinked", ()):
        actions[item["id"]] = item
    packed = {key: _pack(value, actions) for key, value in document.items()}
    packed["format"] = FORMAT
    packed["actions"] = {str(pk): item for pk, item in actions.items()}
    packed["parts"] = digests(packed)
    return packed


_NESTED = (list, dict)


def _pack(value, actions):
    """``value`` with each action in it replaced by a reference. Scalars, most of a document's values, are kept as
    they are without a call each (``_NESTED``)."""
    if type(value) is list:
        return [_pack(v, actions) if type(v) in _NESTED else v for v in value]
    if type(value) is not dict:
        return value
    item = actions.get(value["id"]) if "id" in value else None
    if item is value:
        return {"@": item["id"]}
    if item is not None and all(k in value and value[k] == v for k, v in item.items()):
        return {"@": item["id"], **{k: v for k, v in value.items() if k not in item}}
    base = actions.get(value["action_id"]) if "action_id" in value else None
    if base is not None and all(value.get(k) == base[k] for k in BASE):
        return {"@base": base["id"], **{k: v for k, v in value.items() if k not in BASE and k != "action_id"}}
    return {k: _pack(v, actions) if type(v) in _NESTED else v for k, v in value.items()}


def unpack(content):
    """The document a stored content holds: every action written out where it is shown."""
    if not content or content.get("format") != FORMAT:
        return content  # stored whole, as every paper issued before this shape
    actions = {int(pk): item for pk, item in content["actions"].items()}
    return {key: _unpack(value, actions) for key, value in content.items() if key not in PACKING}


def read(content):
    """The document a stored content holds, unpacked as it is read: a template that shows a part from the cache
    (``reports.paper_parts``) never unpacks what that part shows. Equal to ``unpack(content)``."""
    if not content or content.get("format") != FORMAT:
        return content
    actions = {int(pk): item for pk, item in content["actions"].items()}
    return _Lazy({k: v for k, v in content.items() if k not in PACKING}, actions)


class _Lazy(Mapping):
    """A packed dict whose values are unpacked when they are read."""

    __slots__ = ("_packed", "_actions", "_read")

    def __init__(self, packed, actions):
        self._packed, self._actions, self._read = packed, actions, {}

    def __getitem__(self, key):
        try:
            return self._read[key]
        except KeyError:
            value = self._read[key] = _lazy(self._packed[key], self._actions)
            return value

    def __iter__(self):
        return iter(self._packed)

    def __len__(self):
        return len(self._packed)

    def __eq__(self, other):
        return dict(self.items()) == other


class _LazyList(Sequence):
    __slots__ = ("_packed", "_actions")

    def __init__(self, packed, actions):
        self._packed, self._actions = packed, actions

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_lazy(v, self._actions) for v in self._packed[index]]
        return _lazy(self._packed[index], self._actions)

    def __len__(self):
        return len(self._packed)

    def __eq__(self, other):
        return list(self) == other


def _lazy(value, actions):
    if isinstance(value, list):
        return _LazyList(value, actions) if value else []
    if isinstance(value, dict) and ("@" in value or "@base" in value):
        return _unpack(value, actions)
    if isinstance(value, dict):
        return _Lazy(value, actions)
    return value


def _unpack(value, actions):
    if isinstance(value, list):
        return [_unpack(v, actions) for v in value]
    if not isinstance(value, dict):
        return value
    if "@" in value:
        item = actions[value["@"]]
        if len(value) == 1:
            return item
        return {**item, **{k: v for k, v in value.items() if k != "@"}}
    if "@base" in value:
        item = actions[value["@base"]]
        own = {k: v for k, v in value.items() if k != "@base"}
        return {**{k: item[k] for k in BASE}, **own, "action_id": item["id"]}
    return {k: _unpack(v, actions) for k, v in value.items()}
