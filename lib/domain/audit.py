"""Tamper-evident audit log: each event carries a keyed MAC over its content and its predecessor."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import asdict, dataclass, field

from lib.domain.models import Event
from lib.errors import SidipError

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

    def sign_text(self, text: str) -> str:
        """A MAC over a line SIDIP writes outside the log (a chain head); never confusable with an event's
        (those cover a JSON object)."""
        return hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def valid(self, event: Event) -> bool:
        return hmac.compare_digest(self.sign(event), event.mac or "")


@dataclass(frozen=True)
class ChainReport:
    total: int
    bad_mac: list[str]
    missing_prev: list[str]
    forks: list[str]  # two events naming the same predecessor: concurrent writers, harmless
    out_of_order: list[str] = field(default_factory=list)  # naming a later event, or another office's

    @property
    def ok(self) -> bool:
        return not (self.bad_mac or self.missing_prev or self.out_of_order)


def verify_chain(events: list[Event], signer: EventSigner) -> ChainReport:
    """Every MAC holds, and in log order each event names an earlier event of its own office (a writer only
    ever names an event it has read, so one already appended)."""
    ids = {e.id for e in events}
    earlier: set[tuple[str, str]] = set()
    seen_prev: set[tuple[str, str]] = set()
    bad, missing, forks, disordered = [], [], [], []
    for event in events:
        if not signer.valid(event):
            bad.append(event.id)
        if event.prev_id and event.prev_id not in ids:
            missing.append(event.id)
        elif event.prev_id and (event.office_id, event.prev_id) not in earlier:
            disordered.append(event.id)
        if (event.office_id, event.prev_id) in seen_prev:
            forks.append(event.id)
        seen_prev.add((event.office_id, event.prev_id))
        earlier.add((event.office_id, event.id))
    return ChainReport(len(events), bad, missing, forks, disordered)


def digest(events: list[Event]) -> str:
    """Short digest of the whole log, printed on published documents."""
    h = hashlib.sha256()
    for event in events:
        h.update((event.mac or event.id).encode())
    return h.hexdigest()[:16]


# -- the chain head: kept outside the log, so a cut log shows ---------------------------------
HEAD_SCHEMA = "SIDIP-JEJAK-AUDIT/1"
_HEAD = re.compile(rf"{re.escape(HEAD_SCHEMA)} kantor=(\S+) jumlah=(\d+) terakhir=(\S+) jejak=([0-9a-f]+) "
                   r"tanda=([0-9a-f]{64})")


@dataclass(frozen=True)
class ChainHead:
    """One office's log as it stood: how many events, the last one's id, the digest of them all."""
    office_id: str
    count: int
    last_id: str  # "-" for an empty log
    log_digest: str

    def body(self) -> str:
        return (f"{HEAD_SCHEMA} kantor={self.office_id} jumlah={self.count} terakhir={self.last_id} "
                f"jejak={self.log_digest}")


def office_events(events: list[Event], office_id: str) -> list[Event]:
    return [e for e in events if e.office_id == office_id]


def head_of(events: list[Event], office_id: str) -> ChainHead:
    mine = office_events(events, office_id)
    return ChainHead(office_id, len(mine), mine[-1].id if mine else "-", digest(mine))


def render_head(head: ChainHead, signer: EventSigner) -> str:
    """One signed line, e.g. ``SIDIP-JEJAK-AUDIT/1 kantor=… jumlah=12 terakhir=evt-… jejak=… tanda=<hmac>``."""
    return f"{head.body()} tanda={signer.sign_text(head.body())}"


def parse_head(line: str, signer: EventSigner) -> ChainHead:
    """The head a line records; AuditHeadError unless it is one, signed with this register's key."""
    found = _HEAD.fullmatch(line.strip())
    if not found:
        raise AuditHeadError(f"Kepala jejak audit tidak dapat dibaca: \"{line.strip()[:120]}\".")
    office, count, last, log_digest, tag = found.groups()
    head = ChainHead(office, int(count), last, log_digest)
    if not hmac.compare_digest(signer.sign_text(head.body()), tag):
        raise AuditHeadError(f"Tanda kepala jejak audit kantor {office} tidak sah: kepala jejak diubah, "
                             "atau dibuat dengan kunci rahasia lain.")
    return head


def check_head(events: list[Event], head: ChainHead) -> list[str]:
    """What is wrong with the log (every office's events, in log order) against a head kept elsewhere."""
    mine = office_events(events, head.office_id)
    where = f"kantor {head.office_id}, kepala jejak mencatat {head.count} peristiwa"
    positions = {e.id: n for n, e in enumerate(mine, 1)}
    problems = []
    if head.count and head.last_id not in positions:
        problems.append(f"jejak audit terpotong: peristiwa {head.last_id} tidak ada dalam log ({where})")
    elif head.count and positions[head.last_id] != head.count:
        problems.append(f"jejak audit terpotong: peristiwa {head.last_id} ada di urutan ke-"
                        f"{positions[head.last_id]}, seharusnya ke-{head.count} ({where})")
    if len(mine) < head.count:
        problems.append(f"jejak audit terpotong: log hanya memuat {len(mine)} peristiwa ({where})")
    if not problems and digest(mine[:head.count]) != head.log_digest:
        problems.append(f"jejak audit berubah: {head.count} peristiwa pertama tidak sama dengan yang dicatat "
                        f"kepala jejak (ringkasan {digest(mine[:head.count])}, seharusnya {head.log_digest}; {where})")
    return problems


class AuditHeadError(SidipError):
    """A chain head that cannot be read or whose signature does not hold."""
