"""The small text markup that papers print from: paragraphs, headings, lists and emphasis, as the source marks them.

A text is split into blocks by blank lines:

- ``## Heading`` / ``### Sub-heading``: a heading (the source's section and numbered paragraph headings);
- lines that all start with ``- ``: a bulleted list; with ``1. ``, ``2. ``...: a numbered list (numbers as printed);
- a paragraph starting with a printed paragraph number (``2.3 ``, ``i) ``): a numbered paragraph;
- anything else: a paragraph (a single line break inside it is kept).

Inline, ``*words*`` are emphasised (the source's italic titles, e.g. *Working Together to Safeguard Children*).
Nothing else is markup: every other character is text, and is escaped when rendered as HTML.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_EMPHASIS = re.compile(r"\*([^*\n]+)\*")
_BULLET = re.compile(r"^- (.*)$")
_NUMBERED = re.compile(r"^(\d+)\. (.*)$")
_PARAGRAPH_NUMBER = re.compile(r"^(\d+\.\d+|[ivx]+\))\s+(.*)$", re.S)


@dataclass
class Block:
    kind: str  # "heading", "subheading", "paragraph", "numbered_paragraph", "bullets", "numbered"
    text: str = ""
    number: str = ""
    items: list = field(default_factory=list)  # (number or "", text) for lists


def runs(text):
    """[(text, italic)] for one piece of text: what Word writes as runs."""
    result, at = [], 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > at:
            result.append((text[at : match.start()], False))
        result.append((match.group(1), True))
        at = match.end()
    if at < len(text):
        result.append((text[at:], False))
    return result


def plain(text):
    """The text as read, its emphasis marks removed."""
    return _EMPHASIS.sub(r"\1", text or "")


def blocks(text):
    result = []
    for chunk in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        lines = chunk.split("\n")
        if chunk.startswith("### "):
            result.append(Block("subheading", chunk[4:].strip()))
        elif chunk.startswith("## "):
            result.append(Block("heading", chunk[3:].strip()))
        elif all(_BULLET.match(line) for line in lines):
            result.append(Block("bullets", items=[("", _BULLET.match(line).group(1)) for line in lines]))
        elif all(_NUMBERED.match(line) for line in lines):
            result.append(Block("numbered", items=[_NUMBERED.match(line).groups() for line in lines]))
        elif number := _PARAGRAPH_NUMBER.match(chunk):
            result.append(Block("numbered_paragraph", number.group(2), number=number.group(1)))
        else:
            result.append(Block("paragraph", chunk))
    return result


def split_last_section(text):
    """(before, last): the text before its last ``## `` heading, and that heading with what follows it ("" if the
    text has no heading). A report summary's last section introduces the action plan printed after it, and is
    printed with the plan, on its first page."""
    text = (text or "").replace("\r\n", "\n").strip()
    starts = [m.start() for m in re.finditer(r"(?:^|\n\s*\n)## ", text)]
    if not starts:
        return text, ""
    return text[: starts[-1]].strip(), text[starts[-1] :].strip()


def emphasis_html(text):
    """One piece of text as HTML: escaped, with its *emphasis* as <em>, line breaks kept."""
    lines = (text or "").split("\n")
    return format_html_join(
        SafeString("<br>"),
        "{}",
        ((format_html_join("", "{}", ((_run_html(t, italic),) for t, italic in runs(line))),) for line in lines),
    )


def _run_html(text, italic):
    return format_html("<em>{}</em>", text) if italic else format_html("{}", text)


def _block_html(block, heading_level, *, under_heading=True):
    """``under_heading``: whether a ``## `` heading came before this block in its text. A subheading with none
    above it takes the heading's level, so the page's headings never skip one (h2, then h4)."""
    if block.kind in ("heading", "subheading"):
        level = heading_level + (block.kind == "subheading" and under_heading)
        return format_html('<h{} class="text-{}">{}</h{}>', level, block.kind, emphasis_html(block.text), level)
    if block.kind == "numbered_paragraph":
        return format_html(
            '<p class="numbered"><span class="number">{}</span> {}</p>', block.number, emphasis_html(block.text)
        )
    if block.kind == "bullets":
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((emphasis_html(t),) for _, t in block.items))
        )
    if block.kind == "numbered":
        items = format_html_join("", '<li value="{}">{}</li>', ((n, emphasis_html(t)) for n, t in block.items))
        return format_html("<ol>{}</ol>", items)
    return format_html("<p>{}</p>", emphasis_html(block.text))


def to_html(text, *, heading_level=3):
    """A whole text as HTML blocks (everything escaped but the markup's own tags)."""
    parts, under_heading = [], False
    for block in blocks(text):
        under_heading = under_heading or block.kind == "heading"
        parts.append((_block_html(block, heading_level, under_heading=under_heading),))
    return format_html_join("\n", "{}", parts)
