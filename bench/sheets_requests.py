"""Benchmark: Google Sheets requests of one scripted working day, SIDIP's adapter against three gspread patterns.

Run: python bench/sheets_requests.py [--items 1000] [--staff 20] [--seed N] [--no-scale]   (prints figures)

The day (08:00-16:00 WIB, simulated: a fake clock is driven, nothing sleeps) on the local Sheets emulator
(tests/sheets_emulator.py) through the real gspread 6.2.1 client:

* a Sheet with 1,000 items (about 700 classified) and their audit trail (~2,600 events);
* 20 staff (12 desk, 5 PPID, 2 Atasan PPID, 1 admin) served by 2 app replicas (staff alternate); a Streamlit
  server shares one register object (st.cache_resource) between its sessions: one replica, one cache;
* each person logs in before their first step (the login form, the run that checks the password through
  lib.services.auth, the home page after st.rerun) and out after their last (the run with the sidebar
  button, then the login form);
* 40 page views per person (800), with a busiest minute at 10:00 when half the staff open a page within
  30 seconds; every run reads what app.py's frame reads (the session's user row, settings for the idle
  timeout, the user list for needs_setup) and then what its page reads;
* 100 actions in the SOP's mix through the real services (requests opened, submissions, classifications,
  returns, then a DIP version created, established, approved and uploaded); before each the user opens its
  page, the click runs the page again (the action sits below its reads) and st.rerun() shows the result;
  an action on an item comes at least 2 minutes after the item's previous change;
* 8 hand edits typed into the Sheet (made in the emulator's model: the Sheets UI is not an API request).

The same day runs four ways, with the same freshness rule: a page shows the user's own change at once and
anyone else's within 60 seconds (tests/test_sheets_freshness.py checks the rule for all four):

(s) SIDIP: lib.store.sheets.SheetsRegister as is (see lib/store/sheets_cache.py: each tab read when a call
    first needs it, with the stale small tabs and recently used ones in one values.batchGet, cached 50 s per
    replica, the tabs an own write wrote stale after it; the audit log read incrementally; an action = read + one
    batchUpdate + a confirming read that also refills the cache for the rerun).
(c) cached gspread: a competent gspread user: spreadsheet and worksheets opened once per replica, each tab
    cached 50 s (get_all_values), a write reads its tab fresh, writes the row with one values.update (or
    append_row), appends the event, and clears the cache.
(a) naive gspread: per script run open_by_key, then per tab worksheet(title) and get_all_records(); a change:
    append_row, or find() and one update per changed cell, then append_row for the event.
(b) st-gsheets-connection 0.1.0 (reproduced, not installed: it pins gspread<6): read(worksheet=...) is
    open_by_key + worksheet + one values.get, cached with ttl=60 s; a change reads its tabs fresh and rewrites
    each whole tab (clear + resize + values.update), then st.cache_data.clear(). Its format batchUpdate
    (repeatCell) is not emulated and not sent: counted as "not sent", the figure is a lower bound.

Quota: Google's 60 read and 60 write requests a minute per user; the replicas share one service account, so
one budget. A request beyond it gets the 429 Google sends. Retries as each library does them: SIDIP's own
(lib/store/sheets_client.py: 5 tries, jittered backoff up to 8 s, then an Indonesian message), gspread's
BackOffHTTPClient for both gspread patterns (2, 4, 8 ... 128 s, retried as long as the 429s last), none for
st-gsheets-connection (gspread 5's plain client: the user sees the error). A user shown an error does the
step again a minute later; a redo refused because the change is already there (st-gsheets-connection can be
stopped between rewriting the item tab and the audit tab) counts as done only when the Sheet shows that step's
own change, and new items keep the ids the script gave them. Backoff moves the simulated clock: the day ends late.

Counted on the emulator: requests, cells read / written (emu.counters()), requests per simulated minute (429s
included), 429s, errors users saw, the time the day ended. The patterns must end the day with the same items,
versions and user rows, or no summary is printed (exit 1). Then the scripted office is scaled (same mix,
same per-person script, actions in proportion to the staff, no quota, a smaller register; run over the
morning logins and 09:50-10:10, with every change of the day) until each pattern's busiest minute reaches 60.
Last line: ``requests: sidip=N cached_gspread=N naive=N gsheets_connection=N ratio_cached_gspread=X
ratio_naive=X ratio_gsheets=X cells_read_ratio_best=X cells_written_ratio_gsheets=X peak_per_minute=N
max_staff_sidip=N max_staff_cached_gspread=N`` (ratios: the other pattern's figure / SIDIP's;
cells_read_ratio_best: the lowest cells read of the three baselines / SIDIP's; P = SIDIP's busiest minute).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import tempfile
import time
import types
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import gspread  # noqa: E402
import gspread.http_client as gspread_http  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from gspread.exceptions import APIError  # noqa: E402
from gspread.utils import ValueInputOption, rowcol_to_a1  # noqa: E402

import lib.store.sheets as sheets_module  # noqa: E402
import lib.store.sheets_cache as sheets_cache  # noqa: E402
from lib.domain.audit import EventSigner  # noqa: E402
from lib.domain.models import DEFAULT_OFFICE, Event, Item, SnapshotRow, User  # noqa: E402
from lib.errors import ConflictError, stale_error  # noqa: E402
from lib.services import auth  # noqa: E402
from lib.services import items as item_service  # noqa: E402
from lib.services import publishing  # noqa: E402
from lib.services import versions as version_service  # noqa: E402
from lib.services.context import DEFAULT_SETTINGS, AppContext  # noqa: E402
from lib.store import codec  # noqa: E402
from lib.store.port import Register  # noqa: E402
from lib.store.sheets import HEADER_WORDS, KEYS, RECORDS, TABS, SheetsRegister, Table, columns  # noqa: E402
from lib.store.sheets_client import RetryPolicy, SheetsUnavailable  # noqa: E402
import tests.sheets_emulator as emulator_module  # noqa: E402
from tests.sheets_emulator import Quota, SheetsEmulator  # noqa: E402

OFFICE = DEFAULT_OFFICE
SEED = 20260317
KEY = b"bench-sheets-requests"
START = datetime(2026, 3, 17, 1, 0, tzinfo=timezone.utc)  # Tuesday 08:00 WIB
DAY_SECONDS = 8 * 3600
FRESHNESS_SECONDS = 60      # the rule every pattern must keep
GSHEETS_TTL = 60            # st-gsheets-connection read ttl: the longest the rule allows
REPLICAS = 2
N_ITEMS = 1000
VIEWS_PER_USER = 40
BUSY_AT = 2 * 3600          # 10:00: the busiest minute
BUSY_USERS = 10
ACTION_MIX = {"request": 30, "submit": 34, "classify": 24, "return": 8}  # + create/establish/approve/upload
VERSION_STEPS = {"create_version": 5 * 3600, "establish": 5.5 * 3600, "approve": 6.25 * 3600,
                 "upload": 7.25 * 3600}
HAND_EDITS = 8
MIN_GAP = 120               # seconds between two changes of one item
UNITS = json.loads(DEFAULT_SETTINGS["units"])
QUOTA_PER_MINUTE = 60       # Google's read and write requests per minute per user (the service account)
USER_RETRY_SECONDS = 60     # a user shown an error waits this long and does it again
PASSWORD = "kata-sandi-bench"
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)  # cheap, real
# The page each action is done on: the user opens it first, the click runs it again, then st.rerun() shows it.
ACTION_PAGE = {"request": "permintaan", "submit": "permintaan", "classify": "klasifikasi", "return": "klasifikasi",
               "create_version": "penetapan", "establish": "penetapan", "approve": "persetujuan", "upload": "unggah"}
OPEN_BEFORE = 20            # seconds between opening the page and the click
SCALE_ITEMS = 120           # the staff-scaling days run on a smaller register: requests do not depend on its size
STAFF_LADDER = (5, 10, 20, 30, 40, 60, 80, 120, 160, 240, 320)
WINDOW = 600                # the scaled days are run 09:50-10:10 and over the morning logins (see scaled_window)
RUSH = (0, 900)             # 08:00-08:15: everyone logs in before their first page (the day's real peak)

# The tabs a page reads besides the session's own user row (current_user() re-reads it on every run),
# after the services each page calls (pages/*.py).
PAGES: dict[str, tuple[str, ...]] = {
    "beranda": ("items", "versions", "version_items", "settings", "holidays"),  # home.todo, completeness.summary
    "permintaan": ("items", "settings", "holidays"),                            # items.visible_items
    "klasifikasi": ("items", "settings", "holidays"),
    "penetapan": ("items", "versions", "version_items", "settings", "holidays"),  # preview, establish_gaps
    "persetujuan": ("items", "versions", "version_items", "settings"),
    "unggah": ("versions", "settings"),
    "dasbor": ("items", "versions", "version_items", "settings", "holidays"),
    "kelengkapan": ("items", "versions", "version_items", "settings"),
    "riwayat": ("events",),
    "pengguna": ("users",),
    "pengaturan": ("settings", "holidays"),
}
PAGE_MIX: dict[str, dict[str, float]] = {
    "desk": {"beranda": 0.4, "permintaan": 0.4, "riwayat": 0.1, "unggah": 0.1},
    "ppid": {"beranda": 0.25, "permintaan": 0.2, "klasifikasi": 0.25, "penetapan": 0.1, "kelengkapan": 0.05,
             "dasbor": 0.05, "riwayat": 0.05, "unggah": 0.05},
    "atasan": {"beranda": 0.4, "dasbor": 0.3, "persetujuan": 0.2, "riwayat": 0.1},
    "admin": {"beranda": 0.3, "pengguna": 0.3, "pengaturan": 0.2, "riwayat": 0.2},
}


# -- people, seed data and the script ------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    username: str
    role: str
    unit: str
    replica: int

    def user(self) -> User:
        return User(self.username, self.username.title(), frozenset({self.role}), PASSWORD_HASH, unit=self.unit)

    def actor(self):
        return self.user().actor()


def scaled_staff(n: int) -> list[Person]:
    """The scripted office's mix (12 desk, 5 PPID, 2 Atasan PPID, 1 admin in 20) at ``n`` staff."""
    ppid, atasan, admin = max(1, round(n * 5 / 20)), max(1, round(n * 2 / 20)), max(1, round(n / 20))
    return staff(max(1, n - ppid - atasan - admin), ppid, atasan, admin)


def staff(desk: int = 12, ppid: int = 5, atasan: int = 2, admin: int = 1) -> list[Person]:
    """Desk officers spread over the units; everyone alternates between the replicas."""
    specs = ([("desk", UNITS[i % len(UNITS)]) for i in range(desk)] + [("ppid", "")] * ppid
             + [("atasan", "")] * atasan + [("admin", "")] * admin)
    seen: Counter = Counter()
    people = []
    for i, (role, unit) in enumerate(specs):
        seen[role] += 1
        people.append(Person(f"{role}{seen[role]}", role, unit, i % REPLICAS))
    return people


STATUS_MIX = (("diklasifikasi", 0.70), ("diajukan", 0.10), ("dikembalikan", 0.04), ("diminta", 0.12),
              ("ditarik", 0.04))
KATEGORI = ("berkala", "setiap_saat", "setiap_saat", "serta_merta", "dikecualikan")


def submission(title: str, unit: str, year: int = 2026) -> dict:
    return {"judul": title, "ringkasan": f"Ringkasan {title.lower()} untuk masyarakat.",
            "pejabat_penguasa": unit, "penanggung_jawab": "Kepala Subbagian", "waktu_tempat": f"Sarolangun, {year}",
            "bentuk": "Softcopy dan hardcopy", "retensi": "5 tahun", "tahun": str(year), "tautan": ""}


def classification(title: str, unit: str, kategori: str = "berkala") -> dict:
    return {**submission(title, unit), "kategori": kategori, "lokasi_softcopy": "Drive/PPID",
            "lokasi_hardcopy": "Rak 2"}


def seed_items(n: int, rng: random.Random, today: date) -> tuple[list[Item], list[Event]]:
    """A register after some years of use: items in every state, with the events that brought them there."""
    items, events = [], []
    statuses = [s for s, p in STATUS_MIX for _ in range(round(p * n))][:n]
    statuses += ["diklasifikasi"] * (n - len(statuses))
    rng.shuffle(statuses)
    for i, status in enumerate(statuses):
        unit = UNITS[i % len(UNITS)]
        title = f"Informasi {i:04d} {unit.split(',')[0][:30]}"
        asked = today - timedelta(days=rng.randint(1, 12) if status == "diminta" else rng.randint(20, 1000))
        item = Item(f"inf-seed-{i:04d}", unit, title, status="diminta", request_note="Mohon disiapkan sesuai SOP.",
                    requested_by="ppid1", requested_on=asked, created_by="ppid1",
                    created_at=f"{asked.isoformat()}T02:00:00+00:00")
        trail = [("permintaan_dibuka", "ppid1", {"judul": title, "unit": unit, "status": "diminta"})]
        if status != "diminta":
            sub = submission(title, unit, asked.year)
            done = asked + timedelta(days=rng.randint(1, 9))
            item = item.replace(status="diajukan", submitted_by="desk1", submitted_on=done, tahun=asked.year,
                                clock_result=rng.choice(["tepat_waktu", "tepat_waktu", "terlambat"]),
                                **{k: v for k, v in sub.items() if k not in ("tahun", "judul")})
            trail.append(("informasi_diajukan", "desk1", {**sub, "status": "diajukan"}))
        if status == "dikembalikan":
            item = item.replace(status="dikembalikan", return_reason="Lengkapi ringkasan dan retensi.",
                                returned_on=item.submitted_on + timedelta(days=2))
            trail.append(("informasi_dikembalikan", "ppid1", {"status": "dikembalikan",
                                                               "return_reason": item.return_reason}))
        if status == "diklasifikasi":
            kat = rng.choice(KATEGORI)
            extra = {"pasal17_huruf": "h", "konsekuensi_dibuka": "Mengungkap data pribadi.",
                     "konsekuensi_ditutup": "Melindungi data pribadi.", "pengecualian_permanen": True} \
                if kat == "dikecualikan" else {}
            item = item.replace(status="diklasifikasi", kategori=kat, lokasi_softcopy="Drive/PPID",
                                lokasi_hardcopy="Rak 2", classified_by="ppid1",
                                classified_on=item.submitted_on + timedelta(days=3), **extra)
            trail.append(("informasi_diklasifikasi", "ppid1", {"status": "diklasifikasi", "kategori": kat,
                                                                "lokasi_softcopy": "Drive/PPID",
                                                                "lokasi_hardcopy": "Rak 2", **extra}))
        if status == "ditarik":
            item = item.replace(status="ditarik")
            trail.append(("informasi_ditarik", "ppid1", {"status": "ditarik"}))
        items.append(item)
        for action, actor, after in trail:
            events.append(Event(action=action, actor=actor, role=actor.rstrip("0123456789"), entity="item",
                                entity_id=item.id, unit=unit, after=after, office_id=OFFICE,
                                at=f"{asked.isoformat()}T03:00:00+00:00"))
    return items, events


@dataclass
class World:
    """The seeded spreadsheet, kept as emulator state: every pattern starts from an identical copy."""
    state: dict
    sid: str
    key: bytes
    items: list[Item]
    people: list[Person]

    def emulator(self) -> SheetsEmulator:
        emu = SheetsEmulator(seed=1)
        emu.load_state(self.state)
        return emu


def build_world(n_items: int = N_ITEMS, people: list[Person] | None = None, seed: int = SEED) -> World:
    people = people or staff()
    emu = SheetsEmulator(seed=1)
    sid = emu.create("SIDIP bench")
    client = gspread.Client(auth=None, session=emu.session())
    reg = SheetsRegister(client, sid, EventSigner(KEY), KEY, RetryPolicy(sleep=lambda s: None))
    reg.init()
    for p in people:
        reg.save_user(p.user(), Event("pengguna_ditambahkan", "admin1", "admin", "user", p.username,
                                      office_id=OFFICE), None)
    items, events = seed_items(n_items, random.Random(seed), START.date())
    reg.save_many(items, events)
    return World(emu.dump_state(), sid, KEY, [i.replace(revision=1) for i in items], people)


@dataclass
class Step:
    t: float
    kind: str          # page | request | submit | classify | return | create_version | establish | approve
    user: str = ""     # | upload | hand_edit
    page: str = ""
    item: str = ""
    revision: int = 0
    unit: str = ""
    title: str = ""
    column: str = ""
    value: str = ""

    @property
    def label(self) -> str:
        return f"page {self.page}" if self.kind == "page" else self.kind


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan_day(world: World, seed: int = SEED) -> list[Step]:
    """The scripted day, the same for every pattern: page views, actions with the revisions the user saw,
    hand edits; item ids of new requests are the ones the services will give (ids are made deterministic)."""
    rng = random.Random(seed + 1)
    people = world.people
    steps: list[Step] = []
    busy = rng.sample(people, len(people) * BUSY_USERS // 20)  # half the office at once, as 10 of 20
    for p in people:
        times = [rng.uniform(0, DAY_SECONDS) for _ in range(VIEWS_PER_USER - (p in busy))]
        if p in busy:
            times.append(BUSY_AT + 30 * busy.index(p) / len(busy))  # the busy crowd arrives within 30 s, any size
        steps += [Step(t, "page", p.username, page=_weighted(rng, PAGE_MIX[p.role])) for t in times]

    state = {i.id: {"status": i.status, "unit": i.unit, "title": i.judul, "rev": 1, "last": -1e9}
             for i in world.items}
    by_role = defaultdict(list)
    for p in people:
        by_role[p.role].append(p)
    per_staff = len(people) / 20  # the mix is for 20 staff: a larger office requests and submits more
    kinds = [k for k, n in ACTION_MIX.items() for _ in range(round(n * per_staff))]
    rng.shuffle(kinds)
    times = sorted(rng.uniform(600, DAY_SECONDS - 900) for _ in kinds)
    requests = 0

    def ready(t: float, *statuses: str) -> list[str]:
        return sorted(i for i, s in state.items() if s["status"] in statuses and s["last"] <= t - MIN_GAP)

    for t, kind in zip(times, kinds):
        if kind == "request":
            requests += 1
            unit, ppid = rng.choice(UNITS), rng.choice(by_role["ppid"])
            new_id = f"inf-sim-{requests:04d}"
            title = f"Permintaan {requests:02d}: dokumen {unit.split(',')[0][:30]}"
            state[new_id] = {"status": "diminta", "unit": unit, "title": title, "rev": 1, "last": t}
            steps.append(Step(t, kind, ppid.username, item=new_id, unit=unit, title=title))
            continue
        if kind == "submit":
            served = {p.unit for p in by_role["desk"]}  # (a small office, when scaling) some units have no desk
            pool = [i for i in ready(t, "diminta", "dikembalikan") if state[i]["unit"] in served]
            if not pool:  # (a small register, when scaling) nothing to submit yet
                continue
            target = rng.choice(pool)
            actor = rng.choice([p for p in by_role["desk"] if p.unit == state[target]["unit"]])
            status = "diajukan"
        else:
            pool = ready(t, "diajukan")
            if not pool:
                continue
            target = rng.choice(pool)
            actor = rng.choice(by_role["ppid"])
            status = "diklasifikasi" if kind == "classify" else "dikembalikan"
        s = state[target]
        steps.append(Step(t, kind, actor.username, item=target, revision=s["rev"], unit=s["unit"], title=s["title"]))
        s.update(status=status, rev=s["rev"] + 1, last=t)

    version_actor = {"create_version": "ppid", "establish": "ppid", "approve": "atasan", "upload": "desk"}
    for n, (kind, t) in enumerate(VERSION_STEPS.items()):
        steps.append(Step(t, kind, rng.choice(by_role[version_actor[kind]]).username, item="dip-sim-0001",
                          revision=n))

    untouched = sorted(i.id for i in world.items if i.status == "diklasifikasi")
    for n, t in enumerate(sorted(rng.uniform(1800, DAY_SECONDS - 1800) for _ in range(HAND_EDITS))):
        target = rng.choice(untouched)
        untouched.remove(target)
        steps.append(Step(t, "hand_edit", item=target, column="ringkasan",
                          value=f"Ringkasan diperbaiki langsung di Google Sheet (koreksi {n + 1})."))
    steps += runs_around(steps)
    order = {"login": -1, "hand_edit": 0, "page": 2, "logout": 3}
    return sorted(steps, key=lambda s: (s.t, order.get(s.kind, 1)))


def runs_around(steps: list[Step]) -> list[Step]:
    """Each person logs in before their first step and out after their last; before an action they open its
    page (the click and the rerun after it are part of the action's step)."""
    first, last = {}, {}
    for s in steps:
        if s.user:
            first[s.user], last[s.user] = min(first.get(s.user, s.t), s.t), max(last.get(s.user, s.t), s.t)
    more = [Step(max(0.0, t - 2 * OPEN_BEFORE), "login", user) for user, t in first.items()]
    more += [Step(t + 60, "logout", user) for user, t in last.items()]
    more += [Step(s.t - OPEN_BEFORE, "page", s.user, page=ACTION_PAGE[s.kind]) for s in steps if s.kind in ACTION_PAGE]
    return more


# -- patterns ------------------------------------------------------------------------------------
class _CompactJson:
    """The emulator's json module with compact dumps: its answers are pretty-printed (indent=2), which makes
    Python's pure encoder the bench's main cost. Only whitespace in the answer bytes changes."""

    def __getattr__(self, name):
        return getattr(json, name)

    @staticmethod
    def dumps(obj, **kw):
        kw.pop("indent", None)
        return json.dumps(obj, **kw)


class SimClock:
    """Simulated seconds since 08:00; the adapters' caches read it instead of time.monotonic()."""

    def __init__(self, t: float = 0.0):
        self.t = t
        self.waited = 0.0

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        """A retry's backoff: simulated time passes, the day runs late."""
        self.t += seconds
        self.waited += seconds


def _client(emu: SheetsEmulator, backoff: bool = False) -> gspread.Client:
    """gspread's own client; with ``backoff`` its retrying BackOffHTTPClient (2, 4, 8 … 128 s, then 128 s
    again, for as long as the 429s last)."""
    if backoff:
        return gspread.Client(auth=None, session=emu.session(), http_client=gspread_http.BackOffHTTPClient)
    return gspread.Client(auth=None, session=emu.session())


class Sidip:
    name = "sidip"
    title = f"SIDIP adapter (cache {sheets_module.CACHE_SECONDS:g} s/replica)"
    retry = "own: 5 tries, jittered 0.5-8 s"

    @staticmethod
    def make_register(emu, sid, key, clock) -> Register:
        return SheetsRegister(_client(emu), sid, EventSigner(key), key, RetryPolicy(sleep=clock.sleep))


def _records_table(tab: str, records: list[dict]) -> Table:
    """get_all_records() answers as the adapter's Table (header words back to column names)."""
    names = {HEADER_WORDS.get(c, c): c for c in columns(tab)}
    table = Table(tab, [])
    table.positions = {c: i for i, c in enumerate(columns(tab))}
    table.rows = [(n + 1, {names.get(k, k): str(v) for k, v in r.items()}) for n, r in enumerate(records)]
    return table


def _snapshot_cells(rows: list[SnapshotRow]) -> list[dict]:
    return [codec.snapshot_cells(r) for r in rows]


class PlainRegister(Register):
    """The register contract over plain gspread worksheet calls: no batching, no signing, no shared cache
    of SIDIP's kind. Subclasses decide how a tab is read (_table / _table_for_write) and written (_write)."""

    def __init__(self, client: gspread.Client, sid: str, clock):
        self.client, self.sid, self.clock = client, sid, clock

    def begin_run(self) -> None:
        """A Streamlit script run starts (a page view, or the run an action happens in)."""

    def init(self) -> None:
        pass

    def integrity_problems(self) -> list[str]:
        return []  # the baselines sign nothing: there is nothing to check

    def _table(self, tab: str) -> Table:
        raise NotImplementedError

    def _stamp(self) -> str:
        """Simulated time, so which cells a change touches does not depend on how fast the bench runs."""
        return (START + timedelta(seconds=self.clock())).isoformat(timespec="seconds")

    def _record(self, tab: str, row: dict):
        return codec.from_row(RECORDS[tab], {c: row.get(c, "") for c in codec.columns(RECORDS[tab])})

    # -- reads ----------------------------------------------------------------------------------
    def get_item(self, item_id):
        _, row = self._table("items").find("id", item_id)
        return self._record("items", row) if row else None

    def list_items(self, office_id):
        rows = [r for _, r in self._table("items").rows if r.get("office_id") == office_id]
        return sorted((self._record("items", r) for r in rows), key=lambda i: (i.created_at, i.id))

    def get_version(self, version_id):
        _, row = self._table("versions").find("id", version_id)
        return self._record("versions", row) if row else None

    def list_versions(self, office_id):
        rows = [r for _, r in self._table("versions").rows if r.get("office_id") == office_id]
        return sorted((self._record("versions", r) for r in rows), key=lambda v: (v.created_at, v.id))

    def snapshot(self, version_id, kategori=None):
        from lib.store.sqlite import _snapshot_order
        rows = [r for _, r in self._table("version_items").rows
                if r.get("version_id") == version_id and kategori in (None, r.get("kategori"))]
        return sorted((codec.snapshot_row(r) for r in rows), key=_snapshot_order)

    def get_user(self, username):
        _, row = self._table("users").find("username", username)
        return self._record("users", row) if row else None

    def list_users(self):
        return sorted((self._record("users", r) for _, r in self._table("users").rows), key=lambda u: u.username)

    def settings(self, office_id):
        return {r["key"]: r["value"] for _, r in self._table("settings").rows if r.get("office_id") == office_id}

    def holiday_overrides(self, office_id):
        from lib.domain.workdays import HolidayOverride
        rows = [r for _, r in self._table("holidays").rows if r.get("office_id") == office_id]
        return sorted((HolidayOverride(date.fromisoformat(r["day"]), r["kind"], r["name"]) for r in rows),
                      key=lambda o: o.day)

    def events(self, office_id):
        return [self._record("events", r) for _, r in self._table("events").rows if r.get("office_id") == office_id]

    # -- writes ---------------------------------------------------------------------------------
    def _table_for_write(self, tab: str) -> Table:
        return self._table(tab)

    def _save_record(self, tab, obj, event, expected, what):
        key = getattr(obj, KEYS[tab])
        _, current = self._table_for_write(tab).find(KEYS[tab], key)
        if expected is None and current is not None:
            raise ConflictError(f"{what} dengan kode {key} sudah ada.")
        if expected is not None and (current is None or int(current.get("revision") or 0) != expected):
            raise stale_error(what, (current or {}).get("updated_by", ""), (current or {}).get("updated_at", ""))
        new = obj.replace(revision=(expected or 0) + 1, updated_at=self._stamp(), updated_by=event.actor)
        self._write(tab, key, current, codec.to_row(new), codec.to_row(event))
        return new

    def _write(self, tab: str, key: str, current: dict | None, row: dict, event_row: dict) -> None:
        raise NotImplementedError

    def _write_snapshot(self, version_id: str, rows: list[dict]) -> None:
        raise NotImplementedError

    def save_item(self, item, event, expected_revision):
        return self._save_record("items", item, event, expected_revision, "Informasi")

    def save_user(self, user, event, expected_revision):
        return self._save_record("users", user, event, expected_revision, "Pengguna")

    def save_version(self, version, event, expected_revision, snapshot=None):
        saved = self._save_record("versions", version, event, expected_revision, "Versi DIP")
        if snapshot is not None:
            self._write_snapshot(version.id, _snapshot_cells(snapshot))
        return saved

    def _unused(self, *args, **kwargs):
        raise NotImplementedError("not part of the scripted day")

    def list_attachments(self, office_id, item_id=None):
        return []  # the scripted day attaches no files: the baselines keep no tab for them

    def get_attachment(self, attachment_id):
        return None

    save_settings = save_holiday_override = save_many = append_event = dump = load = save_attachment = _unused


class NaiveGspread(PlainRegister):
    """(a) What typical gspread code does: open the spreadsheet and the worksheets at the top of every script
    run, get_all_records() per tab, append_row / find + one write per changed cell, append_row the event."""
    name = "naive"
    title = "naive gspread (no cache)"
    retry = "gspread BackOffHTTPClient"

    @staticmethod
    def make_register(emu, sid, key, clock) -> Register:
        return NaiveGspread(_client(emu, backoff=True), sid, clock)

    def __init__(self, client, sid, clock):
        super().__init__(client, sid, clock)
        self.begin_run()

    def begin_run(self) -> None:
        self._sh, self._ws, self._tables = None, {}, {}

    def _worksheet(self, tab: str):
        if self._sh is None:
            self._sh = self.client.open_by_key(self.sid)                 # spreadsheets.get
        if tab not in self._ws:
            self._ws[tab] = self._sh.worksheet(TABS[tab])                # spreadsheets.get
        return self._ws[tab]

    def _table(self, tab: str) -> Table:
        if tab not in self._tables:                                      # values.get, once per tab per run
            records = self._worksheet(tab).get_all_records(numericise_ignore=["all"])
            self._tables[tab] = _records_table(tab, records)
        return self._tables[tab]

    @staticmethod
    def _line(tab: str, row: dict) -> list[str]:
        return [row.get(c, "") for c in columns(tab)]

    def _write(self, tab, key, current, row, event_row):
        ws = self._worksheet(tab)
        if current is None:
            ws.append_row(self._line(tab, row), value_input_option=ValueInputOption.raw,
                          table_range="A1")                                              # values.append
        else:
            cell = ws.find(key, in_column=columns(tab).index(KEYS[tab]) + 1)              # values.get (tab)
            for name, value in row.items():
                if current.get(name, "") != value:                                         # values.update
                    ws.update([[value]], rowcol_to_a1(cell.row, columns(tab).index(name) + 1), raw=True)
        self._worksheet("events").append_row(self._line("events", event_row),
                                             value_input_option=ValueInputOption.raw, table_range="A1")
        self._tables.pop(tab, None)
        self._tables.pop("events", None)

    def _write_snapshot(self, version_id, rows):
        ws = self._worksheet("version_items")
        old = [n + 1 for n, v in enumerate(ws.col_values(1)) if v == version_id]  # values.get (column)
        for r in reversed(old):
            ws.delete_rows(r)
        if rows:
            ws.append_rows([self._line("version_items", r) for r in rows], value_input_option=ValueInputOption.raw,
                           table_range="A1")
        self._tables.pop("version_items", None)


class GsheetsConnection(PlainRegister):
    """(b) st-gsheets-connection 0.1.0's request sequence: cached read of a worksheet, whole-tab update."""
    name = "gsheets_connection"
    title = f"st-gsheets-connection (ttl {GSHEETS_TTL} s/replica)"
    retry = "none (gspread 5 HTTPClient): the user retries"
    TTL = GSHEETS_TTL

    @staticmethod
    def make_register(emu, sid, key, clock) -> Register:
        return GsheetsConnection(_client(emu), sid, clock)

    def __init__(self, client, sid, clock):
        super().__init__(client, sid, clock)
        self._cache: dict[str, tuple[float, list[list[str]]]] = {}  # st.cache_data: one per server process
        self.not_sent = 0

    def read(self, tab: str, ttl: float) -> list[list[str]]:
        """conn.read(worksheet=..., ttl=ttl): _select_worksheet + get_as_dataframe, under st.cache_data."""
        now = self.clock()
        hit = self._cache.get(tab)
        if ttl > 0 and hit is not None and now - hit[0] < ttl:
            return hit[1]
        ws = self.client.open_by_key(self.sid).worksheet(TABS[tab])    # spreadsheets.get x2
        values = ws.get_all_values()                                     # values.get
        if ttl > 0:
            self._cache[tab] = (now, values)
        return values

    def _table(self, tab: str) -> Table:
        return Table(tab, self.read(tab, self.TTL))

    def _table_for_write(self, tab: str) -> Table:
        return Table(tab, self.read(tab, 0))  # the frame an update starts from is read fresh (ttl=0)

    def update(self, tab: str, values: list[list[str]]) -> None:
        """conn.update(worksheet=..., data=df): the whole tab cleared and written again."""
        ws = self.client.open_by_key(self.sid).worksheet(TABS[tab])    # spreadsheets.get x2
        ws.clear()                                                       # values.clear
        width = max(len(r) for r in values)
        grid = [r + [""] * (width - len(r)) for r in values]
        ws.resize(max(len(grid), ws.row_count), max(width, ws.col_count))  # _resize_to_minimum: batchUpdate
        ws.update(grid, f"A1:{rowcol_to_a1(len(grid), width)}", raw=True)  # values.update, every cell
        self.not_sent += 1  # set_format_with_dataframe's repeatCell batchUpdate (not emulated)

    @staticmethod
    def _put(values: list[list[str]], tab: str, key: str, row: dict) -> list[list[str]]:
        table = Table(tab, values)
        line = [row.get(c, "") for c in columns(tab)]
        index, _ = table.find(KEYS[tab], key)
        if index is None:
            return values + [line]
        return values[:index] + [line] + values[index + 1:]

    def _write(self, tab, key, current, row, event_row):
        values = self.read(tab, 0)
        self.update(tab, self._put(values, tab, key, row))
        events = self.read("events", 0)
        self.update("events", events + [[event_row.get(c, "") for c in columns("events")]])
        self._cache.clear()  # st.cache_data.clear(): the user's next page shows the change

    def _write_snapshot(self, version_id, rows):
        values = self.read("version_items", 0)
        kept = [values[0]] + [r for r in values[1:] if not r or r[0] != version_id]
        self.update("version_items", kept + [[r.get(c, "") for c in columns("version_items")] for r in rows])
        self._cache.clear()


class CachedGspread(PlainRegister):
    """(c) A competent gspread user: the spreadsheet and its worksheets opened once per server process, each tab
    cached 50 s (st.cache_data-like, shared by the sessions of a replica; the freshness rule), a write reads the
    tab fresh (to find the row and check its revision), writes the row in one values.update (or one append_row),
    appends the event with one append_row, and clears the cache; gspread's BackOffHTTPClient retries 429s."""
    name = "cached_gspread"
    title = "cached gspread (50 s per tab/replica)"
    retry = "gspread BackOffHTTPClient"
    TTL = sheets_module.CACHE_SECONDS

    @staticmethod
    def make_register(emu, sid, key, clock) -> Register:
        return CachedGspread(_client(emu, backoff=True), sid, clock)

    def __init__(self, client, sid, clock):
        super().__init__(client, sid, clock)
        self._ws: dict[str, gspread.Worksheet] = {}
        self._cache: dict[str, tuple[float, Table]] = {}

    def _worksheet(self, tab: str):
        if not self._ws:
            sheet = self.client.open_by_key(self.sid)                                 # spreadsheets.get
            self._ws = {ws.title: ws for ws in sheet.worksheets()}                    # spreadsheets.get
        return self._ws[TABS[tab]]

    def _table(self, tab: str) -> Table:
        hit = self._cache.get(tab)
        if hit is None or self.clock() - hit[0] > self.TTL:
            self._cache[tab] = (self.clock(), Table(tab, self._worksheet(tab).get_all_values()))  # values.get
        return self._cache[tab][1]

    def _table_for_write(self, tab: str) -> Table:
        self._cache[tab] = (self.clock(), Table(tab, self._worksheet(tab).get_all_values()))
        return self._cache[tab][1]

    def _write(self, tab, key, current, row, event_row):
        line = [row.get(c, "") for c in columns(tab)]
        ws = self._worksheet(tab)
        if current is None:
            ws.append_row(line, value_input_option=ValueInputOption.raw, table_range="A1")     # values.append
        else:
            index, _ = self._cache[tab][1].find(KEYS[tab], key)
            ws.update([line], f"A{index + 1}:{rowcol_to_a1(index + 1, len(line))}", raw=True)  # values.update
        self._worksheet("events").append_row([event_row.get(c, "") for c in columns("events")],
                                             value_input_option=ValueInputOption.raw, table_range="A1")
        self._cache.clear()

    def _write_snapshot(self, version_id, rows):
        ws = self._worksheet("version_items")
        old = [index for index, r in self._table_for_write("version_items").rows if r.get("version_id") == version_id]
        for index in reversed(old):
            ws.delete_rows(index + 1)
        if rows:
            ws.append_rows([[r.get(c, "") for c in columns("version_items")] for r in rows],
                           value_input_option=ValueInputOption.raw, table_range="A1")
        self._cache.clear()


PATTERNS = {p.name: p for p in (Sidip, CachedGspread, NaiveGspread, GsheetsConnection)}


# -- running a day -------------------------------------------------------------------------------
def read_tab(register: Register, tab: str, version_id: str):
    """The register read behind one tab of a page."""
    readers = {"users": register.list_users, "items": lambda: register.list_items(OFFICE),
               "versions": lambda: register.list_versions(OFFICE),
               "version_items": lambda: register.snapshot(version_id),
               "settings": lambda: register.settings(OFFICE), "holidays": lambda: register.holiday_overrides(OFFICE),
               "events": lambda: register.events(OFFICE)}
    return readers[tab]()


def hand_edit(emu: SheetsEmulator, sid: str, tab: str, key: str, column: str, value: str) -> None:
    """A person types over one cell in the Sheet's own UI: the model changes, no API request is made."""
    with emu.lock:
        sheet = emu._sheet(sid, TABS[tab])
        head = sheet.rows[0]
        key_col, col = head.index(HEADER_WORDS.get(KEYS[tab], KEYS[tab])), head.index(HEADER_WORDS.get(column, column))
        row = next(r for r, cells in enumerate(sheet.rows) if r and len(cells) > key_col and cells[key_col] == key)
        sheet.set(row, col, value)


@dataclass
class Result:
    pattern: str
    title: str
    requests: int = 0
    reads: int = 0
    writes: int = 0
    cells_read: int = 0
    cells_written: int = 0
    cells_cleared: int = 0
    not_sent: int = 0
    per_minute: Counter = field(default_factory=Counter)
    by_label: Counter = field(default_factory=Counter)        # page X / action kind -> requests
    occurrences: Counter = field(default_factory=Counter)     # page X / action kind -> steps
    by_endpoint: Counter = field(default_factory=Counter)     # "GET values.batchGet" -> requests
    by_label_endpoint: dict = field(default_factory=lambda: defaultdict(Counter))
    by_group: Counter = field(default_factory=Counter)        # page views / actions / hand edits
    cached_views: int = 0                                     # page views that made no request
    seconds: float = 0.0
    refused: int = 0                                          # 429s the quota answered
    user_errors: int = 0                                      # errors a user saw (and then did the step again)
    waited: float = 0.0                                       # simulated seconds spent in backoff / retrying
    day_end: float = 0.0                                      # simulated seconds after 08:00 the last step ended
    late_steps: int = 0                                       # steps that started after their scripted time

    @property
    def peak(self) -> int:
        return max(self.per_minute.values(), default=0)

    @property
    def peak_minute(self) -> int:
        return max(self.per_minute, key=lambda m: (self.per_minute[m], -m), default=0)


class Day:
    """One pattern living through the scripted day: REPLICAS registers on one emulator, one simulated clock."""

    def __init__(self, pattern, world: World, publish_dir: str | Path, quota: bool = True):
        self.pattern, self.world = pattern, world
        self.clock = SimClock()
        self.emu = world.emulator()
        self.emu.quota = Quota(QUOTA_PER_MINUTE, QUOTA_PER_MINUTE, clock=self.clock) if quota else None
        self._count_by_minute()
        self.people = {p.username: p for p in world.people}
        self.registers = [pattern.make_register(self.emu, world.sid, world.key, self.clock) for _ in range(REPLICAS)]
        self.contexts = [AppContext(r, EventSigner(world.key), world.key, now=self.now,
                                    publish_dir=str(Path(publish_dir) / pattern.name / f"replica{n}"),
                                    data_dir=str(Path(publish_dir) / pattern.name / "data"))
                         for n, r in enumerate(self.registers)]
        self.version_id = ""
        self.result = Result(pattern.name, pattern.title)
        self._ids: Counter = Counter()

    def now(self) -> datetime:
        return START + timedelta(seconds=self.clock.t)

    def _count_by_minute(self) -> None:
        """Every request the emulator receives is tallied under the simulated minute it was sent in."""
        handle = self.emu.handle

        def counted(method, url, body=None):
            self.result.per_minute[int(self.clock.t // 60)] += 1
            return handle(method, url, body)
        self.emu.handle = counted

    def _new_id(self, prefix: str) -> str:
        self._ids[prefix] += 1
        return f"{prefix}-sim-{self._ids[prefix]:04d}"

    @contextlib.contextmanager
    def running(self):
        """The adapter's cache clock is the simulated one (only lib.store.sheets sees it), new item and
        version ids follow the script, and the emulator answers in compact JSON."""
        saved = (sheets_cache.time, gspread_http.time, item_service.new_id, version_service.new_id,
                 emulator_module.json, random.getstate())
        sheets_cache.time = types.SimpleNamespace(monotonic=self.clock)
        gspread_http.time = types.SimpleNamespace(sleep=self.clock.sleep)  # BackOffHTTPClient's waits
        item_service.new_id = version_service.new_id = self._new_id
        emulator_module.json = _CompactJson()
        random.seed(SEED)  # SIDIP's retry jitter
        try:
            yield self
        finally:
            (sheets_cache.time, gspread_http.time, item_service.new_id, version_service.new_id,
             emulator_module.json, state) = saved
            random.setstate(state)

    def run(self, steps: list[Step]) -> Result:
        started = time.perf_counter()
        with self.running():
            self.emu.reset_counters()
            for step in steps:
                self.step(step)
        self.result.seconds = time.perf_counter() - started
        counters = self.emu.counters()
        r = self.result
        r.requests, r.reads, r.writes = self.emu.request_count(), counters["read_requests"], counters["write_requests"]
        r.cells_read, r.cells_written = counters["cells_read"], counters["cells_written"]
        r.cells_cleared = counters["cells_cleared"]
        r.not_sent = sum(getattr(reg, "not_sent", 0) for reg in self.registers)
        r.refused = self.emu.quota.rejected if self.emu.quota else 0
        r.waited, r.day_end = self.clock.waited, self.clock.t
        return r

    def step(self, step: Step):
        """Run one scripted step at its simulated time; requests are tallied by minute, step and endpoint."""
        self.result.late_steps += self.clock.t > step.t
        self.clock.t = max(self.clock.t, step.t)
        before, kinds = self.emu.request_count(), Counter(self.emu.requests)
        out = self._attempt(step)
        spent = self.emu.request_count() - before
        r = self.result
        r.by_label[step.label] += spent
        r.occurrences[step.label] += 1
        r.by_group["page views" if step.kind == "page" else "hand edits" if step.kind == "hand_edit"
                   else "actions"] += spent
        r.cached_views += step.kind == "page" and spent == 0
        diff = Counter(self.emu.requests)
        diff.subtract(kinds)
        for (method, kind), n in diff.items():
            if n:
                r.by_endpoint[f"{method} {kind}"] += n
                r.by_label_endpoint[step.label][f"{method} {kind}"] += n
        return out

    def _attempt(self, step: Step):
        """A step that ends in an error (quota exhausted after the library's retries, or none) is done again by
        the user a minute later. Done again, a change refused as already made (the item exists, or its revision
        moved) is taken as done only when the Sheet shows it made by this step: a write that applied before the
        error (st-gsheets-connection rewrites the item tab, then the audit tab) is not made twice."""
        self._done, self._epoch = {}, self._token_epoch(step.user) if step.kind == "logout" else ""
        for tries in range(10):
            try:
                return self._do(step)
            except (SheetsUnavailable, APIError) as err:
                if isinstance(err, APIError) and err.code != 429:
                    raise
                self.result.user_errors += 1
                self.clock.sleep(USER_RETRY_SECONDS)
            except ConflictError:
                if not tries or not self._applied(step):
                    raise
                if step.kind == "create_version":  # the version row is there (its snapshot may not be)
                    self.version_id = step.item
                return None
        raise RuntimeError(f"{self.pattern.name}: {step.label} at {step.t:.0f} s never got through")

    def _applied(self, step: Step) -> bool:
        """Whether the Sheet holds the step's change, made by its user (what the redo's page shows them)."""
        tab = "versions" if step.item.startswith("dip-") else "items"
        table = Table(tab, self.emu.get_values(self.world.sid, TABS[tab]))
        _, row = table.find("id", step.item)
        if row is None:
            return False
        if step.kind == "request":
            return row.get("created_by") == step.user and row.get("judul") == step.title
        return int(row.get("revision") or 0) > step.revision and row.get("updated_by") == step.user

    def _token_epoch(self, username: str) -> str:
        """The user's token epoch as the Sheet holds it (not counted: what the redo's page would show)."""
        _, row = Table("users", self.emu.get_values(self.world.sid, TABS["users"])).find("username", username)
        return (row or {}).get("token_epoch", "")

    def _logged_out(self, username: str) -> bool:
        """A logout redone after an error: the epoch it raises already moved (st-gsheets-connection can be stopped
        between rewriting the user tab and the audit tab; a second logout would raise it again)."""
        return self._token_epoch(username) != self._epoch

    def _once(self, phase: str, fn, *args):
        """A change the step already made before an error is not made again when the user goes on; one that
        failed is done again with the same new ids (the script gave them)."""
        if phase not in self._done:
            ids = Counter(self._ids)
            try:
                self._done[phase] = fn(*args)
            except (SheetsUnavailable, APIError):
                self._ids = ids
                raise
        return self._done[phase]

    def _run(self, register, user: str, page: str) -> dict:
        """One script run of a logged-in user: app.py's frame (current_user, keep_alive's settings, needs_setup's
        user list), then the page's reads."""
        if hasattr(register, "begin_run"):
            register.begin_run()
        frame = {"session": register.get_user(user), "settings": register.settings(OFFICE), "users": register.list_users()}
        return frame | {tab: read_tab(register, tab, self.version_id) for tab in PAGES[page]}

    def _login_page(self, register) -> None:
        if hasattr(register, "begin_run"):
            register.begin_run()
        register.list_users(), register.settings(OFFICE)  # needs_setup, the office name on the form

    def replica(self, username: str) -> int:
        return self.people[username].replica

    def _do(self, s: Step):
        if s.kind == "hand_edit":
            hand_edit(self.emu, self.world.sid, "items", s.item, s.column, s.value)
            return None
        n = self.replica(s.user)
        register, ctx = self.registers[n], self.contexts[n]
        if hasattr(register, "begin_run"):
            register.begin_run()
        if s.kind == "page":
            return self._run(register, s.user, s.page)
        if s.kind == "login":  # the form, the run that checks the password, st.rerun() to the home page
            self._login_page(register)
            self._login_page(register)
            self._once("login", auth.login, ctx, s.user, PASSWORD)
            return self._run(register, s.user, "beranda")
        if s.kind == "logout":  # the sidebar button's run, then the login form
            self._run(register, s.user, "beranda")
            if not self._logged_out(s.user):
                self._once("logout", auth.logout, ctx, self.people[s.user].actor())
            return self._login_page(register)
        self._run(register, s.user, ACTION_PAGE[s.kind])  # the click's run reaches the action below the page
        out = self._once("act", self._act, s, ctx)
        self._run(register, s.user, ACTION_PAGE[s.kind])  # st.rerun(): the page shows the change
        return out

    def _act(self, s: Step, ctx: AppContext):
        actor = self.people[s.user].actor()
        if s.kind == "request":
            return item_service.open_request(ctx, actor, s.unit, s.title, "Mohon disiapkan sesuai SOP.")
        if s.kind == "submit":
            return item_service.submit(ctx, actor, s.item, submission(s.title, s.unit), s.revision)
        if s.kind == "classify":
            return item_service.classify(ctx, actor, s.item, classification(s.title, s.unit), s.revision)
        if s.kind == "return":
            return item_service.return_item(ctx, actor, s.item, "Lengkapi ringkasan dan retensi.", s.revision)
        if s.kind == "create_version":
            version = version_service.create_version(ctx, actor, 2026)
            self.version_id = version.id
            return version
        if s.kind == "establish":
            return version_service.establish(ctx, actor, s.item, {
                "nomor_keputusan": "12/PPID/III/2026", "tanggal_keputusan": self.now().date().isoformat(),
                "tempat_keputusan": "Sarolangun", "penandatangan": "PPID KPU Kabupaten Sarolangun",
                "alasan_kelengkapan": "Kewajiban lain menyusul pada pemutakhiran berikutnya."}, s.revision)
        if s.kind == "approve":
            return version_service.approve(ctx, actor, s.item, "Setuju, unggah.", s.revision)
        if s.kind == "upload":
            return publishing.upload(ctx, actor, s.item, s.revision, target="folder")
        raise ValueError(s.kind)

    def final_items(self) -> dict[str, tuple[str, str, str]]:
        """id -> (status, revision, ringkasan) as the Sheet holds them at the end (not counted)."""
        table = Table("items", self.emu.get_values(self.world.sid, TABS["items"]))
        return {r["id"]: (r["status"], r["revision"], r["ringkasan"]) for _, r in table.rows}

    def final_version(self) -> str:
        table = Table("versions", self.emu.get_values(self.world.sid, TABS["versions"]))
        return ",".join(f"{r['id']}:{r['status']}" for _, r in table.rows)

    def final_users(self) -> dict[str, tuple[str, str, str]]:
        """What a user row says at the end (logged out: token epoch; failed logins; lock), not how often it was
        written: a login done again after a 429 claims one more attempt, and so one more revision."""
        table = Table("users", self.emu.get_values(self.world.sid, TABS["users"]))
        return {r["username"]: (r["token_epoch"], r["failed_logins"], r["locked_until"]) for _, r in table.rows}

    def final_state(self) -> tuple:
        return self.final_items(), self.final_version(), self.final_users()


# -- report --------------------------------------------------------------------------------------
def _n(x: float) -> str:
    return f"{x:,.0f}"


def _at(seconds: float) -> str:
    """Simulated seconds after 08:00 as a WIB time of day."""
    return f"{START + timedelta(hours=7, seconds=seconds):%H:%M:%S}"


def _limit(found: tuple[int, list]) -> str:
    best, seen = found
    tried = ", ".join(f"{n}:{peak}" for n, peak in seen)
    return f"{best if best else '<' + str(seen[0][0])} staff (staff:peak {tried})"


def report(results: dict[str, Result], steps: list[Step], world: World, limits: dict[str, tuple[int, list]]) -> str:
    s, c, a, b = (results[name] for name in ("sidip", "cached_gspread", "naive", "gsheets_connection"))
    kinds = Counter(x.kind for x in steps)
    acts = sum(n for k, n in kinds.items() if k in ACTION_PAGE)
    roles = Counter(p.role for p in world.people)
    lines = [f"Scripted day 08:00-16:00 on the Sheets emulator (gspread {gspread.__version__}): "
             f"{len(world.items):,} items, {len(world.people)} staff ({roles['desk']} desk, {roles['ppid']} PPID, "
             f"{roles['atasan']} Atasan PPID, {roles['admin']} admin) on {REPLICAS} replicas; {kinds['login']} logins, "
             f"{kinds['logout']} logouts, {kinds['page']} page views ({acts} of them opening an action's page; busiest "
             f"minute 10:00, {len(world.people) * BUSY_USERS // 20} at once), {acts} actions (each: the click's run, "
             f"the action, the rerun), {kinds['hand_edit']} hand edits. Every run reads app.py's frame (session user, "
             f"settings, user list) and its page's tabs.",
             f"Freshness rule for all: own change at once, anyone else's within {FRESHNESS_SECONDS} s.",
             f"Quota: {QUOTA_PER_MINUTE} read and {QUOTA_PER_MINUTE} write requests a minute for the service account "
             f"(all replicas), a 429 beyond. Retries: " + "; ".join(f"{r.pattern} {PATTERNS[r.pattern].retry}"
                                                                     for r in (s, c, a, b))
             + f"; a user shown an error does the step again after {USER_RETRY_SECONDS} s.", ""]
    head = (f"{'pattern':<40}{'requests':>9}{'reads':>8}{'writes':>8}{'cells read':>13}{'cells written':>15}"
            f"{'peak/min':>9}{'429s':>7}{'errors':>7}{'waited s':>9}{'day ends':>10}{'late':>6}{'wall s':>8}")
    lines += [head, "-" * len(head)]
    for r in (s, c, a, b):
        lines.append(f"{r.title:<40}{_n(r.requests):>9}{_n(r.reads):>8}{_n(r.writes):>8}{_n(r.cells_read):>13}"
                     f"{_n(r.cells_written):>15}{r.peak:>9}{r.refused:>7}{r.user_errors:>7}{r.waited:>9.0f}"
                     f"{_at(r.day_end):>10}{r.late_steps:>6}{r.seconds:>8.1f}")
    lines.append(f"  st-gsheets-connection: + {b.not_sent:,} format batchUpdates not sent (repeatCell is not "
                 f"emulated; one per tab rewritten): {b.requests + b.not_sent:,} requests in all; "
                 f"{_n(b.cells_cleared)} cells cleared before rewriting.")
    lines.append("  All four ended the day with the same items (status, revision, ringkasan), version status and "
                 "user rows (token epoch, failed logins, lock).")
    views = kinds["page"]
    lines.append("  Page views served without a request: " + ", ".join(
        f"{r.pattern} {r.cached_views} of {views}" for r in (s, c, a, b)) + ".")
    lines.append("")
    lines.append("Busiest simulated minute (requests sent in it, 429s included): " + "; ".join(
        f"{r.pattern} {r.peak} at {_at(r.peak_minute * 60)[:5]}" for r in (s, c, a, b)))
    lines.append("")
    lines.append("Requests per step (mean over the day):")
    labels = sorted(s.occurrences, key=lambda k: (not k.startswith("page"), k))
    lines.append(f"  {'step':<22}{'count':>6}{'sidip':>8}{'cached':>8}{'naive':>8}{'gsheets':>9}")
    for label in labels:
        n = s.occurrences[label]
        lines.append(f"  {label:<22}{n:>6}" + "".join(f"{r.by_label[label] / n:>{w}.1f}"
                                                       for r, w in ((s, 8), (c, 8), (a, 8), (b, 9))))
    lines.append("")
    for r in (s, c, a, b):
        lines.append(f"{r.pattern} by endpoint: " + ", ".join(f"{k} {v:,}" for k, v in r.by_endpoint.most_common()))
    lines.append("")
    lines.append(f"Staff an office can have before the quota bites (the office scaled in its mix, no quota, until "
                 f"the busiest minute reaches {QUOTA_PER_MINUTE} requests; register of {SCALE_ITEMS} items; actions "
                 f"scale with the staff; each scaled day run over the morning logins 08:00-08:15 and 09:50-10:10, "
                 f"with every change of the day; this day's own peaks in those windows: " + ", ".join(f"{r.pattern} {window_peak(r)}" for r in (s, c, a, b)) + "):")
    for name, found in limits.items():
        lines.append(f"  {name}: {_limit(found)}")
    ratio = {r.pattern: r.requests / s.requests for r in (c, a, b)}
    best_cells = min(r.cells_read for r in (c, a, b))
    cells_best, cells_written = best_cells / s.cells_read, b.cells_written / s.cells_written
    lines.append("")
    checks = [("ratio_cached_gspread >= 3", ratio["cached_gspread"] >= 3, f"{ratio['cached_gspread']:.2f}"),
              ("cells_read_ratio_best >= 1", cells_best >= 1, f"{cells_best:.2f}"),
              ("peak_per_minute < 40", s.peak < 40, str(s.peak))]
    lines.append("Targets: " + "; ".join(f"{name}: {value} {'met' if ok else 'NOT MET'}" for name, ok, value in checks))
    lines.append(f"requests: sidip={s.requests} cached_gspread={c.requests} naive={a.requests} "
                 f"gsheets_connection={b.requests} ratio_cached_gspread={ratio['cached_gspread']:.2f} "
                 f"ratio_naive={ratio['naive']:.2f} ratio_gsheets={ratio['gsheets_connection']:.2f} "
                 f"cells_read_ratio_best={cells_best:.2f} cells_written_ratio_gsheets={cells_written:.1f} "
                 f"peak_per_minute={s.peak} max_staff_sidip={limits['sidip'][0]} "
                 f"max_staff_cached_gspread={limits['cached_gspread'][0]}")
    return "\n".join(lines)


def run_day(world: World, steps: list[Step], folder: str, quota: bool = True, names=None):
    """Each pattern lives the same day on its own copy of the Sheet: results and the Sheet's end state."""
    results, finals = {}, {}
    for name in names or PATTERNS:
        day = Day(PATTERNS[name], world, folder, quota)
        results[name] = day.run(steps)
        finals[name] = day.final_state()
        print(f"  ran {name} ({len(world.people)} staff{'' if quota else ', no quota'}): "
              f"{results[name].requests:,} requests, {results[name].cells_read:,} cells read, "
              f"peak {results[name].peak}/min, day ends {_at(results[name].day_end)}, "
              f"{results[name].seconds:.1f} s", file=sys.stderr, flush=True)
    return results, finals


def differences(finals: dict[str, tuple]) -> list[str]:
    """How each pattern's Sheet ended the day unlike SIDIP's (items, versions, users)."""
    first, out = finals["sidip"], []
    for name, final in finals.items():
        for part, mine, theirs in zip(("items", "versions", "users"), first, final):
            if part == "versions":
                if mine != theirs:
                    out.append(f"{name}: versions {theirs!r}, sidip {mine!r}")
                continue
            keys = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
            if keys:
                out.append(f"{name}: {len(keys)} {part} differ from sidip's, e.g. " + ", ".join(
                    f"{k} {theirs.get(k)} vs {mine.get(k)}" for k in keys[:3]))
    return out


WINDOWS = (RUSH, (BUSY_AT - WINDOW, BUSY_AT + WINDOW))


def scaled_window(steps: list[Step]) -> list[Step]:
    """The scaled day where it is busiest: the morning logins (08:00-08:15) and 09:50-10:10 around 10:00, when half
    the staff open a page within 30 s; between and before them only the changes (actions, hand edits), so the
    window's actions find the revisions they expect."""
    def inside(t: float) -> bool:
        return any(lo <= t <= hi for lo, hi in WINDOWS)
    return [s for s in steps if inside(s.t) or (s.kind in ACTION_PAGE or s.kind == "hand_edit")]


def window_peak(result: Result) -> int:
    return max((n for m, n in result.per_minute.items() if any(lo // 60 <= m <= hi // 60 for lo, hi in WINDOWS)),
               default=0)


def max_staff(name: str, worlds, folder: str, seed: int) -> tuple[int, list]:
    """Walk up STAFF_LADDER until the pattern's busiest minute reaches the quota: the last size below it."""
    best, seen = 0, []
    for n in STAFF_LADDER:
        world = worlds(n)
        results, _ = run_day(world, scaled_window(plan_day(world, seed)), folder, quota=False, names=[name])
        seen.append((n, window_peak(results[name])))
        if seen[-1][1] >= QUOTA_PER_MINUTE:
            break
        best = n
    return best, seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=N_ITEMS)
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-scale", action="store_true", help="skip the staff-scaling runs")
    args = parser.parse_args(argv)
    world = build_world(args.items, scaled_staff(args.staff) if args.staff != 20 else staff(), args.seed)
    steps = plan_day(world, args.seed)
    with tempfile.TemporaryDirectory(prefix="sidip-bench-") as folder:
        results, finals = run_day(world, steps, folder)
        wrong = differences(finals)
        if wrong:  # the same day must have happened four times, or the figures compare nothing
            print("The patterns ended the day in different states; no summary:\n  " + "\n  ".join(wrong),
                  file=sys.stderr)
            return 1
        built: dict[int, World] = {}

        def worlds(n: int) -> World:
            if n not in built:
                built[n] = build_world(SCALE_ITEMS, scaled_staff(n), args.seed)
            return built[n]
        names = [] if args.no_scale else list(PATTERNS)
        limits = {name: max_staff(name, worlds, folder, args.seed) for name in names}
        for name in PATTERNS:
            limits.setdefault(name, (0, [(0, 0)]))
    print(report(results, steps, world, limits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
