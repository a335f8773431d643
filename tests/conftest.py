"""Shared fixtures: a real SQLite register on a temporary file, a fixed clock, users per role."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest
from argon2 import PasswordHasher

from lib.bootstrap import build_context
from lib.services import auth
from lib.services.context import SYSTEM_ACTOR

PASSWORD = "rahasia-panjang-1"
UNIT_A = "Sekretariat"
UNIT_B = "Subbagian Perencanaan, Data dan Informasi"
# Tuesday 17 March 2026, 09:00 WIB: the Nyepi / Idul Fitri 2026 week follows.
FIXED_NOW = datetime(2026, 3, 17, 2, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """The same argon2id checks at test cost: `people` hashes five passwords for every test."""
    monkeypatch.setattr(auth, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def clock() -> Clock:
    return Clock(FIXED_NOW)


@pytest.fixture
def ctx(tmp_path, clock, monkeypatch):
    monkeypatch.delenv("SIDIP_SECRET_KEY", raising=False)
    context = build_context(tmp_path / "data")
    return dataclasses.replace(context, now=clock, publish_dir=str(tmp_path / "publik"))


@pytest.fixture
def people(ctx):
    """One user per role (desk officers in two units), as actors."""
    specs = {"admin": (["admin"], ""), "ppid": (["ppid"], ""), "atasan": (["atasan"], ""),
             "desk": (["desk"], UNIT_A), "desk_b": (["desk"], UNIT_B)}
    return {name: auth.add_user(ctx, SYSTEM_ACTOR, name.replace("_", "."), name.title(), PASSWORD,
                                roles, unit).actor()
            for name, (roles, unit) in specs.items()}


def submission(judul: str = "Laporan Keuangan 2025", **extra) -> dict:
    data = {"judul": judul, "ringkasan": "Laporan realisasi anggaran", "pejabat_penguasa": UNIT_A,
            "penanggung_jawab": "Sekretaris", "waktu_tempat": "Sarolangun, 2026",
            "bentuk": "Softcopy dan hardcopy", "retensi": "5 tahun", "tahun": "2026", "tautan": ""}
    return {**data, **extra}


def classification(item, kategori: str = "berkala", **extra) -> dict:
    data = {k: getattr(item, k) for k in ("judul", "ringkasan", "pejabat_penguasa", "penanggung_jawab",
                                          "waktu_tempat", "bentuk", "retensi", "tahun", "tautan")}
    return {**data, "kategori": kategori, "lokasi_softcopy": "Drive/PPID", "lokasi_hardcopy": "Rak 2", **extra}
