"""Tamper-evident audit log: each event carries a keyed MAC over its content and its predecessor."""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass

from lib.domain.models import Event

_SIGNED = ("id", "at", "office_id", "actor", "role", "action", "entity", "entity_id", "unit",
           "before", "after", "note", "prev_id")


def canonical(event: Event) -> bytes:
    data = asdict(event)
    return json.dumps({k: data[k] for k in _SIGNED}, sort_keys=True, ensure_ascii=False,
                      default=str).encode("utf-8")


class EventSigner:
    def __init__(self, key: bytes):
        self._key = key

    @property
    def key(self) -> bytes:
        return self._key

    def sign(self, event: Event) -> str:
        return hmac.new(self._key, canonical(event), hashlib.sha256).hexdigest()

    def valid(self, event: Event) -> bool:
        return hmac.compare_digest(self.sign(event), event.mac or "")


@dataclass(frozen=True)
class ChainReport:
    total: int
    bad_mac: list[str]
    missing_prev: list[str]
    forks: list[str]  # two events naming the same predecessor: concurrent writers, harmless

    @property
    def ok(self) -> bool:
        return not (self.bad_mac or self.missing_prev)


def verify_chain(events: list[Event], signer: EventSigner) -> ChainReport:
    ids = {e.id for e in events}
    seen_prev: dict[str, str] = {}
    bad, missing, forks = [], [], []
    for event in events:
        if not signer.valid(event):
            bad.append(event.id)
        if event.prev_id and event.prev_id not in ids:
            missing.append(event.id)
        if event.prev_id in seen_prev:
            forks.append(event.id)
        seen_prev[event.prev_id] = event.id
    return ChainReport(len(events), bad, missing, forks)


def digest(events: list[Event]) -> str:
    """Short digest of the whole log, printed on published documents."""
    h = hashlib.sha256()
    for event in events:
        h.update((event.mac or event.id).encode())
    return h.hexdigest()[:16]
