"""Rendered markup kept in this process's memory under a key that names everything it shows.

Pages cached per version of the plan (``agencies.plan_cache``) are rendered again after any change. Some of their
parts show things a change rarely touches (a paper's part, the action list's filter form): those are kept here under
a digest of what they show, with the compiled template node that renders them, so a change renders again only the
parts it changed. A new deployment starts new processes: nothing rendered by old code is reused.
"""

import threading
from collections import OrderedDict


class MarkupCache:
    """Rendered markup in this process's memory, least recently used first out, bounded in characters."""

    def __init__(self, max_chars):
        self.max_chars = max_chars
        self.chars = 0
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            markup = self.entries.get(key)
            if markup is not None:
                self.entries.move_to_end(key)
            return markup

    def set(self, key, markup):
        if len(markup) > self.max_chars:
            return
        with self.lock:
            previous = self.entries.pop(key, None)
            if previous is not None:
                self.chars -= len(previous)
            self.entries[key] = markup
            self.chars += len(markup)
            while self.chars > self.max_chars:
                _, dropped = self.entries.popitem(last=False)
                self.chars -= len(dropped)

    def rendered(self, key, render):
        """The markup kept under ``key``, else ``render()``'s, kept."""
        markup = self.get(key)
        if markup is None:
            markup = render()
            self.set(key, markup)
        return markup

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.chars = 0
