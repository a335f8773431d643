"""The synthetic register the page benchmarks share: items, an uploaded DIP version, an audit log.

Filled straight into SQLite (one transaction, seeded RNG) so a 100,000-item register takes seconds.
"""
from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lib.bootstrap import build_context  # noqa: E402
from lib.domain import versions as dv  # noqa: E402
from lib.domain.models import Decree, Event, Item, Version  # noqa: E402
from lib.domain.workdays import WorkCalendar  # noqa: E402
from lib.services import auth  # noqa: E402
from lib.services.context import SYSTEM_ACTOR  # noqa: E402
from lib.store import codec  # noqa: E402

UPLOADED_SHARE = 0.7  # every real office has an uploaded DIP: a version freezing this share of the items
SEED = 20260317
USERNAME = "atasan"
PASSWORD = "rahasia-panjang-1"
STATUSES = np.array(["diklasifikasi", "diajukan", "dikembalikan", "diminta", "ditarik"])
STATUS_P = [0.70, 0.10, 0.05, 0.10, 0.05]
KATEGORI = np.array(["berkala", "setiap_saat", "serta_merta", "dikecualikan"])
KATEGORI_P = [0.40, 0.40, 0.10, 0.10]
# Working days from request to first submission: 0–12, about a fifth after the 5-day limit.
SUBMIT_DAYS_P = [0.05, 0.15, 0.18, 0.17, 0.13, 0.10, 0.06, 0.05, 0.04, 0.03, 0.02, 0.01, 0.01]
SLA = 5
NAT = np.datetime64("NaT", "D")


def _add_wd(cal: WorkCalendar, days: np.ndarray, k: np.ndarray) -> np.ndarray:
    """days + k working days (k may be 0: the same day), vectorised per distinct k; NaT stays NaT.

    NaT must never reach WorkCalendar: its year range check would then load holidays for every year
    from NaT's (a huge negative) one, which exhausts memory."""
    out = days.copy()
    for n in np.unique(k):
        sel = (k == n) & ~np.isnat(days)
        if n > 0 and sel.any():
            out[sel] = cal.due_dates(days[sel], int(n))
    return out


def _uniform_days(rng, n: int, lo: np.datetime64, hi: np.datetime64) -> np.ndarray:
    return lo + rng.integers(0, int((hi - lo).astype(int)) + 1, n).astype("timedelta64[D]")


def synthetic_items(n: int, today: date, units: list[str], cal: WorkCalendar, seed: int = SEED):
    """(rows for the items table, the clock start date of every item as datetime64[D])."""
    rng = np.random.default_rng(seed)
    t = np.datetime64(today, "D")
    last_wd = np.busday_offset(t, 0, roll="backward", weekmask="1111100")
    status = rng.choice(STATUSES, n, p=STATUS_P)
    unit = np.array(units)[rng.integers(0, len(units), n)]

    # Clock start (request date): spread over 3 years; open work is recent, with a stuck tail.
    start = _uniform_days(rng, n, t - 3 * 365, t - 45)
    recent = {"diajukan": (60, 3), "dikembalikan": (60, 10)}
    for st, (lo, hi) in recent.items():
        sel = status == st
        start[sel] = _uniform_days(rng, int(sel.sum()), t - lo, t - hi)
    sel = status == "ditarik"
    start[sel] = _uniform_days(rng, int(sel.sum()), t - 3 * 365, t - 10)
    sel = status == "diminta"
    fresh = sel & (rng.random(n) < 0.75)
    start[fresh] = _uniform_days(rng, int(fresh.sum()), t - 12, t)  # running, due soon, a few overdue
    stuck = sel & ~fresh
    start[stuck] = _uniform_days(rng, int(stuck.sum()), t - 150, t - 12)  # overdue for weeks
    start = np.minimum(np.busday_offset(start, 0, roll="backward", weekmask="1111100"), last_wd)

    # First submission 0–12 working days later (never after today), judged on the 5-day clock.
    submitted = (status != "diminta") & ~((status == "ditarik") & (rng.random(n) < 0.5))
    k = rng.choice(len(SUBMIT_DAYS_P), n, p=SUBMIT_DAYS_P)
    sub = np.minimum(_add_wd(cal, start, k), last_wd)
    sub = np.where(submitted, sub, NAT)
    due = cal.due_dates(start, SLA)

    unprompted = (status != "diminta") & submitted & (rng.random(n) < 0.05 / 0.9)
    with_created = unprompted & (rng.random(n) < 0.5)
    requested_on = np.where(unprompted, NAT, start)
    info_created_on = np.where(with_created, start, NAT)
    clocked = submitted & (~unprompted | with_created)
    judged_due = np.where(clocked, due, NAT)
    clock_result = np.where(clocked, np.where(sub <= due, "tepat_waktu", "terlambat"),
                            np.where(submitted, "tanpa_tenggat", ""))
    judged_cal = np.where(clocked, cal.fingerprint, "")

    # A returned-and-fixed history for some; returns for "dikembalikan"; classification; refresh.
    had_return = np.isin(status, ["diklasifikasi", "diajukan"]) & (rng.random(n) < 0.15)
    returned = np.where(had_return | (status == "dikembalikan"),
                        np.minimum(_add_wd(cal, sub, rng.integers(1, 6, n)), last_wd), NAT)
    resub = np.where(had_return, np.minimum(_add_wd(cal, returned, rng.integers(1, 6, n)), last_wd), NAT)
    base = np.where(had_return, resub, sub)
    classified = status == "diklasifikasi"
    classified_on = np.where(classified, np.minimum(_add_wd(cal, base, rng.integers(1, 11, n)), last_wd), NAT)
    kategori = np.where(classified, rng.choice(KATEGORI, n, p=KATEGORI_P), "")
    refreshed = classified & (rng.random(n) < np.where(kategori == "berkala", 0.5, 0.1))
    span = np.maximum((t - classified_on).astype(int), 0)
    refreshed_on = np.where(refreshed, classified_on + (rng.random(n) * (span + 1)).astype(int).astype(
        "timedelta64[D]"), NAT)
    refreshed_on = np.where(refreshed, np.maximum(np.busday_offset(np.where(refreshed, refreshed_on, t), 0,
                                                                   roll="backward", weekmask="1111100"),
                                                  classified_on), NAT)

    cols = {"requested_on": requested_on, "info_created_on": info_created_on, "submitted_on": sub,
            "judged_due_on": judged_due, "returned_on": returned, "resubmitted_on": resub,
            "classified_on": classified_on, "refreshed_on": refreshed_on}
    py = {name: arr.astype(object) for name, arr in cols.items()}
    created = np.where(unprompted, sub, start).astype(object)
    nat_int = NAT.astype("int64")
    latest = np.max(np.stack([a.astype("datetime64[D]").view("int64") for a in cols.values()]), axis=0)  # NaT: min
    rows = []
    for i in range(n):
        dates = {name: py[name][i] for name in cols}
        is_sub, kat = bool(submitted[i]), str(kategori[i])
        year = created[i].year
        extra = {}
        if is_sub:
            extra = {"ringkasan": f"Ringkasan isi informasi nomor {i} tentang kegiatan unit tahun {year}.",
                     "pejabat_penguasa": str(unit[i]), "penanggung_jawab": "Kepala Subbagian",
                     "waktu_tempat": f"Sarolangun, {year}", "bentuk": "Softcopy dan hardcopy",
                     "retensi": "5 tahun", "tahun": year, "submitted_by": "desk"}
        if classified[i]:
            extra |= {"kategori": kat, "lokasi_softcopy": "Drive/PPID", "lokasi_hardcopy": "Rak 2",
                      "classified_by": USERNAME}
            if kat == "dikecualikan":
                extra |= {"pasal17_huruf": "h", "konsekuensi_dibuka": "Merugikan pihak terkait.",
                          "konsekuensi_ditutup": "Melindungi data pribadi.", "masa_pengecualian_tahun": 5}
        if had_return[i] or status[i] == "dikembalikan":
            extra["return_reason"] = "Lengkapi ringkasan dan retensi."
        stamp = f"{created[i].isoformat()}T02:{i // 60 % 60:02d}:{i % 60:02d}+00:00"
        upd = np.datetime64(int(latest[i]), "D") if latest[i] != nat_int else np.datetime64(created[i], "D")
        item = Item(f"inf-{created[i]:%Y%m%d}-{i:07d}", str(unit[i]), f"Informasi {i} ({unit[i][:12]})",
                    status=str(status[i]), request_note="Mohon disiapkan sesuai SOP.",
                    requested_by="" if unprompted[i] else USERNAME, clock_result=str(clock_result[i]),
                    judged_calendar=str(judged_cal[i]), created_at=stamp, created_by=USERNAME,
                    updated_at=f"{upd}T03:00:00+00:00", updated_by=USERNAME, revision=int(1 + is_sub),
                    **dates, **extra)
        rows.append(tuple(codec.to_row(item).values()))
    return rows, start


def build_register(folder: Path, n: int, uploaded: int | None = None, events: int = 0):
    """A register of ``n`` items with an uploaded version of ``uploaded`` rows (default 70% of ``n``) and
    ``events`` more audit events; (context, the atasan+ppid user, clock starts, make-rows s, insert s)."""
    ctx = build_context(folder)
    user = auth.add_user(ctx, SYSTEM_ACTOR, USERNAME, "Atasan dan PPID", PASSWORD, ["ppid", "atasan"])
    cal = WorkCalendar()
    t0 = time.perf_counter()
    rows, starts = synthetic_items(n, ctx.today(), ctx.units(), cal)
    t1 = time.perf_counter()
    names = codec.columns(Item)
    sql = f"INSERT INTO items ({', '.join(f'[{c}]' for c in names)}) VALUES ({', '.join('?' * len(names))})"
    conn = ctx.register._conn()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(sql, rows)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    _upload_a_version(ctx, int(n * UPLOADED_SHARE) if uploaded is None else uploaded)
    add_events(ctx, events)
    t2 = time.perf_counter()
    return ctx, user, starts, t1 - t0, t2 - t1


def _upload_a_version(ctx, size: int) -> None:
    """An uploaded DIP version of ``size`` snapshot rows (at 100k: 70,000), as every real office has one."""
    items = [i for i in ctx.register.list_items(ctx.office_id) if i.status == "diklasifikasi"][:size]
    today = ctx.today()
    version = Version("dip-20250101000000000000-bench000", today.year - 1, status="diunggah",
                      office_id=ctx.office_id, uploaded_at=f"{today.year - 1}-01-20T03:00:00+00:00",
                      decree=Decree("01/PPID/BENCH", date(today.year - 1, 1, 10), "Sarolangun", "Bench"))
    event = Event("dip_diunggah", "sistem", "", "version", version.id, office_id=ctx.office_id)
    ctx.register.save_version(version, event, None, dv.build_snapshot(version, items))




ACTIONS = ("informasi_diminta", "informasi_diajukan", "informasi_diklasifikasi", "informasi_dikembalikan", "masuk")


def add_events(ctx, n: int, seed: int = SEED) -> None:
    """``n`` signed audit events about the register's items, chained as the register chains them."""
    if n <= 0:
        return
    rng = np.random.default_rng(seed)
    items = ctx.register.item_frame(ctx.office_id, ("id", "unit"))
    picks = rng.integers(0, len(items), n)
    last = ctx.register._conn().execute("SELECT id FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    prev, rows = last["id"] if last else "", []
    for k in range(n):
        i = int(picks[k])
        action = ACTIONS[k % len(ACTIONS)]
        event = Event(action, USERNAME, "PPID", "item", items["id"].iat[i], unit=items["unit"].iat[i],
                      after={"status": action.split("_")[-1]}, note=f"Catatan {k}",
                      at=f"2026-01-01T00:{k // 3600 % 60:02d}:{k % 60:02d}+00:00", id=f"evt-bench-{k:08d}",
                      office_id=ctx.office_id, prev_id=prev)
        event.mac = ctx.signer.sign(event)
        prev = event.id
        rows.append(codec.to_row(event))
    _insert(ctx, "events", rows)


def _insert(ctx, table: str, rows: list[dict]) -> None:
    names = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(f'[{c}]' for c in names)}) VALUES ({', '.join('?' * len(names))})"
    conn = ctx.register._conn()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(sql, [tuple(r.values()) for r in rows])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def add_staff(ctx) -> dict[str, object]:
    """One user per role besides the atasan+ppid one: username -> User (the desk officer has a unit)."""
    unit = ctx.units()[0]
    return {name: auth.add_user(ctx, SYSTEM_ACTOR, name, f"Pengguna {name}", PASSWORD, [role],
                                unit if role == "desk" else "")
            for name, role in (("ppid", "ppid"), ("desk", "desk"), ("admin", "admin"), ("atasan2", "atasan"))}
