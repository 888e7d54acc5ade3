"""A consultation's state carried in the page: the starting snapshot and the answers so far,
compressed and signed by the server, so that each page holds its own consultation (the browser's
back button, two tabs and a reload all stay consistent) and nothing the browser sends is trusted
unchecked: a state whose signature does not match is refused, and the server re-evaluates it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from runstrong.snapshot.partial import MISSING, Slot
from runstrong.snapshot.validation import Snapshot
from runstrong.util.errors import UserError

#: The largest state accepted once decompressed (the snapshot limit plus room for the answers).
MAX_STATE_BYTES = 2_000_000


@dataclass
class State:
    """What a consultation page needs to rebuild its consultation."""

    base: Snapshot
    athlete_id: str
    date: str
    answers: list[tuple[Slot, Any]] = field(default_factory=list)
    asked: Slot | None = None  # the question the page asks: an answer to it needs no re-assessment first


def _plain(value: Any) -> Any:
    return None if value is MISSING else value  # no answer is ever None: None stands for `unknown`


def _answer(value: Any) -> Any:
    return MISSING if value is None else value


class StateSigner:
    """Encodes states into an opaque signed text and back (one secret per server process)."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _mac(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()[:32]

    def encode(self, state: State) -> str:
        data = {
            "base": state.base,
            "athlete_id": state.athlete_id,
            "date": state.date,
            "answers": [[list(slot), _plain(value)] for slot, value in state.answers],
            "asked": None if state.asked is None else list(state.asked),
        }
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        payload = base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 6))
        return f"{payload.decode('ascii')}.{self._mac(payload)}"

    def decode(self, token: str) -> State:
        """The state a page sent back, or a UserError when it was not made by this server run."""
        payload, _, mac = token.strip().rpartition(".")
        if not payload or not hmac.compare_digest(mac.encode("ascii", "replace"), self._mac(payload.encode()).encode()):
            raise UserError(
                "this consultation page was not made by this server run (the server restarted, or the page "
                "was changed); start again from the snapshot (download it from the page next time)"
            )
        try:
            inflater = zlib.decompressobj()
            raw = inflater.decompress(base64.urlsafe_b64decode(payload), MAX_STATE_BYTES)
            data = json.loads(raw.decode("utf-8"))
        except (binascii.Error, zlib.error, ValueError) as error:  # signed by us, so never expected
            raise UserError(f"the consultation state cannot be read: {error}") from None
        return State(
            base=data["base"],
            athlete_id=data["athlete_id"],
            date=data["date"],
            answers=[(tuple(slot), _answer(value)) for slot, value in data["answers"]],
            asked=None if data["asked"] is None else tuple(data["asked"]),
        )
