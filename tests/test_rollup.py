"""Rekap Kantor: the figures a pemantau sees for the offices below its own, on SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
import math

import pytest

import office_tree
from conftest import UNIT_A
from lib.domain.audit import EventSigner
from lib.errors import PermissionDenied
from lib.services import completeness, dashboard, items, offices, rollup
from lib.services.auth import add_user
from lib.services.context import SYSTEM_ACTOR
from lib.store.port import Register
from tests.pg_support import emptied, pg_register_url, pg_server  # noqa: F401 (fixtures)

NAN = float("nan")
# Kantor, Kode, Tingkat, Provinsi, Tepat waktu (%), Lewat tenggat, Status DIP, Hari sejak diunggah,
# Kelengkapan (%), Berkala belum dimutakhirkan, Pengecualian segera berakhir, office_id
JAMBI = ["KPU Provinsi Jambi", "kpu-jambi", "KPU Provinsi", "KPU Provinsi Jambi", NAN, 0, "belum pernah diunggah",
         NAN, 0.0, 0, 0, "kpu-jambi"]
SUMBAR = ["KPU Provinsi Sumatera Barat", "kpu-sumbar", "KPU Provinsi", "KPU Provinsi Sumatera Barat", NAN, 0,
          "belum pernah diunggah", NAN, 0.0, 0, 0, "kpu-sumbar"]
MERANGIN = ["KPU Kabupaten Merangin", "kpu-merangin", "KPU Kabupaten/Kota", "KPU Provinsi Jambi", 0.0, 1,
            "belum pernah diunggah", NAN, 0.0, 0, 0, "kpu-merangin"]
SAROLANGUN = ["KPU Kabupaten Sarolangun", "kpu-srl", "KPU Kabupaten/Kota", "KPU Provinsi Jambi", 50.0, 1, "terkini",
              20, 2.0, 0, 1, "kpu-srl"]
PADANG = ["KPU Kota Padang", "kpu-padang", "KPU Kabupaten/Kota", "KPU Provinsi Sumatera Barat", NAN, 0,
          "belum pernah diunggah", NAN, 0.0, 0, 0, "kpu-padang"]


@pytest.fixture
def tree(ctx, clock):
    return office_tree.build(ctx, clock)


def rows(frame) -> list[list]:
    """The frame's rows with every missing figure as NaN (comparable with ``same``)."""
    return [[NAN if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in row]
            for row in frame.itertuples(index=False)]


def same(a: list[list], b: list[list]) -> bool:
    return len(a) == len(b) and all(
        len(x) == len(y) and all((u != u and v != v) or u == v for u, v in zip(x, y)) for x, y in zip(a, b))


def test_a_national_pemantau_sees_every_office_below_with_its_figures(tree):
    frame = rollup.rollup(tree.ctx, tree.pemantau, "12b")
    assert list(frame.columns) == rollup.COLUMNS
    assert same(rows(frame), [JAMBI, SUMBAR, MERANGIN, SAROLANGUN, PADANG]), rows(frame)


def test_a_provincial_pemantau_sees_only_its_own_kabupaten(tree):
    frame = rollup.rollup(tree.view("kpu-jambi"), tree.pemantau_jambi, "12b")
    assert same(rows(frame), [MERANGIN, SAROLANGUN]), rows(frame)


@pytest.mark.parametrize("period", ["30h", "12b"])
def test_each_figure_is_what_the_office_own_dashboard_and_kelengkapan_page_say(tree, period):
    frame = rollup.rollup(tree.ctx, tree.pemantau, period).set_index("office_id")
    for code, people in tree.staff.items():
        own = tree.view(code)
        board = dashboard.build(own, people["atasan"], dashboard.Filters(period))
        share = completeness.report(own, people["ppid"]).overall
        row = frame.loc[code]
        expected_rate = None if board.current.on_time is None else round(board.current.on_time * 100, 1)
        assert (None if math.isnan(row["Tepat waktu (%)"]) else row["Tepat waktu (%)"]) == expected_rate
        assert (row["Lewat tenggat"], row["Berkala belum dimutakhirkan"]) == (len(board.overdue()), len(board.stale))
        assert row["Kelengkapan (%)"] == round(share * 100, 1)
        assert row["Pengecualian segera berakhir"] == len(board.exemptions)


def test_only_a_pemantau_reads_the_rollup(tree):
    for who in ("admin", "ppid", "atasan", "desk"):
        with pytest.raises(PermissionDenied, match="hanya untuk Pemantau"):
            rollup.rollup(tree.view("kpu-jambi"), tree.staff["kpu-jambi"][who])


def test_a_pemantau_of_another_office_is_refused_and_an_office_with_none_below_has_an_empty_rollup(tree):
    with pytest.raises(PermissionDenied):
        rollup.rollup(tree.view("kpu-sumbar"), tree.pemantau_jambi)
    srl = add_user(tree.view("kpu-srl"), SYSTEM_ACTOR, "pemantau.srl", "P", office_tree.PASSWORD, ["pemantau"], "")
    frame = rollup.rollup(tree.view("kpu-srl"), srl.actor())
    assert frame.empty and list(frame.columns) == rollup.COLUMNS


def test_the_dashboard_of_an_office_below_opens_read_only_and_refuses_a_write(tree):
    both = add_user(tree.ctx, SYSTEM_ACTOR, "pemantau.ppid", "Pemantau dan PPID", office_tree.PASSWORD,
                    ["pemantau", "ppid"], "").actor()
    view = offices.monitor_view(tree.ctx, both, "kpu-merangin")
    board = dashboard.build(view, both, dashboard.Filters("12b"))
    assert board.overdue()["judul"].tolist() == ["Laporan Keuangan"]
    with pytest.raises(PermissionDenied, match="Pemantau hanya dapat melihat"):
        items.open_request(view, both, UNIT_A, "Permintaan dari atas")
    assert [i.judul for i in tree.ctx.register.list_items("kpu-merangin")] == ["Laporan Keuangan"]


def test_the_items_of_several_offices_come_in_one_frame_as_each_office_reads_them(tree):
    register, columns = tree.ctx.register, ("id", "judul", "status")
    ids = frozenset({"kpu-srl", "kpu-merangin"})
    together = register.offices_item_frame(ids, columns)
    one_by_one = Register.offices_item_frame(register, ids, columns)  # the port's default, one office at a time
    assert sorted(together.values.tolist()) == sorted(one_by_one.values.tolist())  # order within an office is free
    assert sorted(set(together["office_id"])) == ["kpu-merangin", "kpu-srl"] and len(together) == 4


# -- PostgreSQL: the same roll-up, the scope enforced by the database ---------------------------------
KEY = b"rollup-test-key-" + b"0" * 32


def test_the_rollup_on_postgresql_gives_the_same_rows_and_its_scope_hides_other_offices(
        pg_server, pg_register_url, ctx, clock):
    server = emptied(pg_server, pg_register_url, KEY)
    pg = dataclasses.replace(ctx, register=server, signer=EventSigner(KEY), secret_key=KEY, _views={}, _frame=None)
    try:
        tree = office_tree.build(pg, clock)
        assert same(rows(rollup.rollup(pg, tree.pemantau, "12b")),
                    [JAMBI, SUMBAR, MERANGIN, SAROLANGUN, PADANG])
        assert same(rows(rollup.rollup(pg.for_office("kpu-jambi"), tree.pemantau_jambi, "12b")),
                    [MERANGIN, SAROLANGUN])
        only_srl = server.scoped(frozenset({"kpu-srl"}), frozenset())
        seen = only_srl.offices_item_frame(frozenset({"kpu-srl", "kpu-merangin"}), ("id", "judul"))
        assert sorted(seen["judul"]) == ["Daftar Calon Tetap", "Data Pribadi Pemilih", "Renstra"]
    finally:
        server.close()
