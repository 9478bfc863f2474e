"""Message text as Telegram stores it: parse_mode=HTML turned into plain text and entities.

The bot's tests read what a user sees, so tags must not leak into `message.text`, and text that
Telegram would refuse (an unescaped `<` in a pupil's name, an unclosed tag) must fail here as
it would in production. Markdown modes are passed through unparsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from bot.emulator.errors import bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_OTHER_TAGS = {"a", "span", "blockquote", "tg-emoji"}
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);")
_ATTRIBUTE = re.compile(r"""([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def utf16_len(text: str) -> int:
    """Entity offsets and lengths count UTF-16 code units, as in the Bot API."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    offset: int
    entity: dict[str, Any] = field(default_factory=dict)


class _HtmlReader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.length = 0  # of the output so far, in UTF-16 units
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def fail(self, detail: str, at: int) -> Exception:
        offset = len(self.source[:at].encode())
        return bad_request(f"can't parse entities: {detail} at byte offset {offset}")

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def read(self) -> tuple[str, list[dict[str, Any]]]:
        src, i = self.source, 0
        while i < len(src):
            char = src[i]
            if char == "<":
                end = src.find(">", i)
                if end < 0:
                    raise self.fail("Unclosed start tag", i)
                self.tag(src[i + 1 : end].strip(), i)
                i = end + 1
            elif char == "&" and (match := _ENTITY.match(src, i)):
                self.emit(unescape(match.group(0)))
                i = match.end()
            else:
                self.emit(char)
                i += 1
        if self.stack:
            tag = self.stack[-1].tag
            detail = f'Can\'t find end tag corresponding to start tag "{tag}"'
            raise bad_request(f"can't parse entities: {detail}")
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities

    def tag(self, inner: str, at: int) -> None:
        if inner.startswith("/"):
            self.close(inner[1:].strip().lower(), at)
            return
        name, _, rest = inner.partition(" ")
        name = name.lower()
        attrs = {
            m.group(1).lower(): unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTRIBUTE.finditer(rest)
        }
        self.stack.append(_Open(name, self.length, self.entity_for(name, attrs, at)))

    def entity_for(self, name: str, attrs: dict[str, str], at: int) -> dict[str, Any]:
        if name in _SIMPLE_TAGS:
            entity: dict[str, Any] = {"type": _SIMPLE_TAGS[name]}
            if name == "code" and attrs.get("class", "").startswith("language-"):
                entity["language"] = attrs["class"].removeprefix("language-")
            return entity
        if name == "a" and attrs.get("href"):
            return {"type": "text_link", "url": attrs["href"]}
        if name == "span" and attrs.get("class") == "tg-spoiler":
            return {"type": "spoiler"}
        if name == "blockquote":
            kind = "expandable_blockquote" if "expandable" in attrs else "blockquote"
            return {"type": kind}
        if name == "tg-emoji" and attrs.get("emoji-id"):
            return {"type": "custom_emoji", "custom_emoji_id": attrs["emoji-id"]}
        if name in _OTHER_TAGS:
            raise self.fail(f'Tag "{name}" must have a valid attribute', at)
        raise self.fail(f'Unsupported start tag "{name}"', at)

    def close(self, name: str, at: int) -> None:
        if not self.stack:
            raise self.fail(f'Unexpected end tag "{name}"', at)
        opened = self.stack.pop()
        if opened.tag != name:
            raise self.fail(f'Unmatched end tag, expected "</{opened.tag}>", found "</{name}>"', at)
        length = self.length - opened.offset
        entity = opened.entity
        parent = self.stack[-1] if self.stack else None
        if entity["type"] == "code" and parent is not None and parent.tag == "pre":
            # <pre><code class="language-x"> is one pre entity with a language, as in Telegram.
            if "language" in entity:
                parent.entity["language"] = entity["language"]
            return
        if length > 0:
            self.entities.append({**entity, "offset": opened.offset, "length": length})


def _strip(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram trims surrounding whitespace and moves the entities with the text."""
    stripped = text.strip()
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    end = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        stop = min(entity["offset"] + entity["length"] - shift, end)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept


def render(
    source: str, parse_mode: str | None, *, limit: int = MAX_TEXT, explicit: Any = None
) -> tuple[str, list[dict[str, Any]]]:
    """The text a chat shows for `source` and its entities; raises as Telegram would.

    `explicit` is the entities/caption_entities parameter, used when no parse_mode is given
    (aiogram.utils.formatting sends text that way).
    """
    mode = (parse_mode or "").lower()
    if mode == "html":
        text, entities = _HtmlReader(source).read()
    elif mode == "" and isinstance(explicit, list):
        text, entities = source, [e for e in explicit if isinstance(e, dict)]
    elif mode in ("", "markdown", "markdownv2"):
        text, entities = source, []
    else:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    text, entities = _strip(text, entities)
    if utf16_len(text) > limit:
        raise bad_request(
            "message is too long" if limit == MAX_TEXT else "message caption is too long"
        )
    return text, entities
