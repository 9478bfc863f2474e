"""Documents and photos: uploads kept in memory under generated file ids, downloadable again."""

from __future__ import annotations

import mimetypes
import secrets
import struct
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.messaging import MessageMethods, Method, target_chat
from bot.emulator.params import Params, Upload
from bot.emulator.state import EmulatorState, StoredFile


def image_size(content: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG, None for anything Telegram could not process."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                return None
            marker, length = content[i + 1], struct.unpack(">H", content[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):  # start of frame: height, then width
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return None


def store_file(state: EmulatorState, upload: Upload, *, photo: bool = False) -> StoredFile:
    number = len(state.files) + 1
    # Prefixes as in real ids, so a log line shows what kind of file an id names.
    prefix = "AgAC" if photo else "BQAC"
    mime = upload.content_type
    if not mime or mime == "application/octet-stream":
        mime = mimetypes.guess_type(upload.filename)[0] or mime
    extension = "jpg" if photo else (upload.filename.rpartition(".")[2] or "bin")
    stored = StoredFile(
        file_id=f"{prefix}{number}-{secrets.token_urlsafe(12)}",
        file_unique_id=f"AQAD{number}",
        file_path=f"{'photos' if photo else 'documents'}/file_{number}.{extension}",
        filename=None if photo else upload.filename,
        content=upload.content,
        mime_type=None if photo else mime,
    )
    state.files[stored.file_id] = stored
    return stored


class FileMethods:
    def __init__(self, state: EmulatorState, messages: MessageMethods) -> None:
        self.state = state
        self.messages = messages

    def routes(self) -> dict[str, Method]:
        return {
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "getFile": self.get_file,
        }

    def _resolve(self, params: Params, field: str, *, photo: bool) -> StoredFile:
        value = params.file(field)
        if value is None:
            raise bad_request(f"there is no {field} in the request")
        if isinstance(value, Upload):
            if photo:
                size = image_size(value.content)
                if size is None:
                    raise bad_request("IMAGE_PROCESS_FAILED")
                stored = store_file(self.state, value, photo=True)
                stored.width, stored.height = size
                return stored
            return store_file(self.state, value)
        if value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")  # the emulator has no network
        known = self.state.files.get(value)
        if known is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return known

    async def send_document(self, params: Params) -> dict[str, Any]:
        chat = target_chat(self.state, params)
        stored = self._resolve(params, "document", photo=False)
        caption = params.optional_string("caption")
        return self.messages.post(chat, params, caption=caption, document=stored).to_api()

    async def send_photo(self, params: Params) -> dict[str, Any]:
        chat = target_chat(self.state, params)
        stored = self._resolve(params, "photo", photo=True)
        caption = params.optional_string("caption")
        return self.messages.post(chat, params, caption=caption, photo=stored).to_api()

    async def get_file(self, params: Params) -> dict[str, Any]:
        stored = self.state.files.get(params.string("file_id"))
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.file_json()
