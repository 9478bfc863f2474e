"""Method parameters as Telegram reads them, whatever body the client chose.

Telegram accepts a query string, a urlencoded form, a JSON object or multipart form data. In the
form encodings every value is a string and complex fields (reply_markup, reply_parameters, scope,
allowed_updates) arrive JSON-encoded, which is what aiogram's AiohttpSession sends; in a JSON
body they arrive as objects. `Params` hides that difference from the methods.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web

from bot.emulator.errors import ApiError, bad_request

# Telegram's limit for files uploaded by bots.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart body."""

    filename: str
    content: bytes
    content_type: str | None = None


class Params:
    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __contains__(self, name: str) -> bool:
        return self._values.get(name) not in (None, "")

    def get(self, name: str) -> Any:
        return self._values.get(name)

    def string(self, name: str) -> str:
        value = self.optional_string(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def optional_string(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None or isinstance(value, Upload):
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int:
        value = self.optional_integer(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def optional_integer(self, name: str) -> int | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self._values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        """A complex field: decoded when it came as a string, taken as is from a JSON body."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def file(self, name: str) -> Upload | str | None:
        """An uploaded file (directly or as `attach://<part>`), or a file_id / URL string."""
        value = self._values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            attached = self._values.get(value.removeprefix("attach://"))
            if not isinstance(attached, Upload):
                raise bad_request(f"can't find the attached file for {name}")
            return attached
        if isinstance(value, Upload | str):
            return value or None
        return None

    def loggable(self) -> dict[str, Any]:
        """The values for the call log, with file contents replaced by a short description."""
        return {
            key: f"<{value.filename}, {len(value.content)} bytes>"
            if isinstance(value, Upload)
            else value
            for key, value in self._values.items()
        }


async def read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.body_exists:
        return Params(values)
    kind = request.content_type
    if kind == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON body must be an object")
        values.update(body)
    elif kind == "multipart/form-data":
        values.update(await read_multipart(await request.multipart()))
    elif kind == "application/x-www-form-urlencoded":
        values.update((await request.post()).items())
    return Params(values)


async def read_multipart(reader: MultipartReader) -> dict[str, Any]:
    """Fields and files of a multipart body (also used for method calls in webhook replies)."""
    values: dict[str, Any] = {}
    total = 0
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        content = await part.read(decode=True)
        total += len(content)
        if total > MAX_UPLOAD_BYTES:
            # aiogram turns 413 into TelegramEntityTooLarge.
            raise ApiError(413, "Request Entity Too Large")
        if part.filename is not None:
            values[part.name] = Upload(
                part.filename, bytes(content), part.headers.get("Content-Type")
            )
        else:
            values[part.name] = content.decode(part.get_charset("utf-8"))
    return values
