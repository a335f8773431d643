"""The dashboard service and page on a real register: figures, drill-downs, downloads, empty state."""
import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from lib.services import completeness, dashboard, items
from lib.services.dashboard import Filters
from tests.conftest import UNIT_A, UNIT_B, classification, submission

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "dasbor.py")


def run_page(tmp_path, monkeypatch, username, query=None):
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(PAGE, default_timeout=60)
    from lib.bootstrap import build_context
    user = build_context(tmp_path / "data").register.get_user(username)
    at.session_state["user"], at.session_state["epoch"] = username, user.token_epoch
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def at_day(ctx, clock, days):
    clock.moment = clock.moment + timedelta(days=days)


@pytest.fixture
def history(ctx, people, clock):
    """17 Mar: two requests; one answered on 20 Mar (early), one still open. 9 Apr: view."""
    early = items.open_request(ctx, people["ppid"], UNIT_A, "Renstra")
    items.open_request(ctx, people["ppid"], UNIT_B, "Daftar Calon Tetap")
    at_day(ctx, clock, 3)
    sub = items.submit(ctx, people["desk"], early.id, submission("Renstra"), early.revision)
    items.classify(ctx, people["ppid"], sub.id, classification(sub), sub.revision)
    at_day(ctx, clock, 20)  # 9 April 2026
    return ctx


def test_the_dashboard_counts_on_time_and_overdue_requests(history, people):
    board = dashboard.build(history, people["atasan"], Filters("bulan"))
    assert (board.window.start.isoformat(), board.window.end.isoformat()) == ("2026-04-01", "2026-04-09")
    assert board.overdue()["judul"].tolist() == ["Daftar Calon Tetap"]
    assert (board.current.on_time, board.current.judged) == (None, 0)  # both were judged in March
    march = dashboard.build(history, people["atasan"], Filters("tahun"))
    assert march.current.on_time == 0.5 and march.current.judged == 2


def test_filters_by_unit_and_category(history, people):
    board = dashboard.build(history, people["atasan"], Filters("kuartal", unit=UNIT_A))
    assert board.requests["judul"].tolist() == ["Renstra"]
    assert dashboard.build(history, people["atasan"], Filters("kuartal", kategori="berkala")).requests[
        "judul"].tolist() == ["Renstra"]


def test_filters_come_from_and_go_to_the_url():
    f = Filters.from_query({"periode": "tahun", "unit": UNIT_B, "kategori": "rahasia"})
    assert f == Filters("tahun", UNIT_B, "") and f.to_query() == {"periode": "tahun", "unit": UNIT_B}


def test_a_desk_officer_cannot_build_the_dashboard(ctx, people):
    with pytest.raises(Exception, match="hanya untuk"):
        dashboard.build(ctx, people["desk"], Filters())


def test_an_empty_register_shows_what_to_do_instead_of_empty_charts(tmp_path, ctx, people, monkeypatch):
    at = run_page(tmp_path, monkeypatch, "atasan")
    assert not at.exception
    assert at.info[0].value.startswith("Belum ada permintaan atau informasi untuk dinilai.")
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("username", ["atasan", "ppid", "admin"])
def test_each_role_that_sees_the_dashboard_gets_tiles_charts_and_downloads(tmp_path, history, people,
                                                                           monkeypatch, username):
    at = run_page(tmp_path, monkeypatch, username, {"periode": "12b"})
    assert not at.exception
    assert [m.label for m in at.metric] == ["Tepat waktu", "Median hari kerja", "Lewat tenggat kini",
                                            "Segera jatuh tempo", "Hari sejak DIP diunggah"]
    assert at.selectbox(key="dasbor:periode").value == "12b"
    assert len(at.get("plotly_chart")) == 4
    overdue = at.dataframe[0].value
    assert overdue["Judul"].tolist() == ["Daftar Calon Tetap"]
    assert overdue["Penjelasan tenggat"].iloc[0].startswith("Mulai 17 Maret 2026, batas 31 Maret 2026")


def test_the_overdue_table_downloads_as_xlsx_with_the_same_rows(history, people):
    from lib.dashboard_views import request_table
    from lib.export.tables import xlsx_bytes
    board = dashboard.build(history, people["atasan"], Filters("12b"))
    table = request_table(board.overdue(), history.calendar(), history.clock())
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table, "Lewat tenggat"))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Judul", "Unit", "Status") and rows[1][0] == "Daftar Calon Tetap"


def test_the_pdf_summary_is_a_real_pdf_with_the_period(history, people):
    from lib.export.summary_pdf import render
    board = dashboard.build(history, people["atasan"], Filters("bulan"))
    pdf = render(board, "KPU Kabupaten Sarolangun", {})
    assert pdf.startswith(b"%PDF") and len(pdf) > 1500


def test_a_marked_refresh_clears_the_stale_berkala_warning(history, people, clock):
    at_day(history, clock, 200)
    assert dashboard.build(history, people["ppid"], Filters()).stale["judul"].tolist() == ["Renstra"]
    item = [i for i in history.register.list_items(history.office_id) if i.judul == "Renstra"][0]
    items.mark_refreshed(history, people["ppid"], item.id, item.revision)
    assert dashboard.build(history, people["ppid"], Filters()).stale.empty
    assert history.register.events(history.office_id)[-1].action == "informasi_dimutakhirkan"


def run_other(tmp_path, monkeypatch, page, username):
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(PAGE.replace("dasbor.py", f"{page}.py"), default_timeout=60)
    from lib.bootstrap import build_context
    user = build_context(tmp_path / "data").register.get_user(username)
    at.session_state["user"], at.session_state["epoch"] = username, user.token_epoch
    return at.run()


def test_the_ppid_beranda_reminds_of_berkala_items_not_refreshed_for_six_months(tmp_path, history, monkeypatch):
    # The page runs on the real date (after September 2026): Renstra, classified 20 March 2026, is stale.
    at = run_other(tmp_path, monkeypatch, "beranda", "ppid")
    assert not at.exception
    assert any(w.value.startswith("Informasi berkala belum dimutakhirkan lebih dari 6 bulan: Renstra.")
               for w in at.warning)


def test_the_klasifikasi_page_marks_an_item_refreshed(tmp_path, history, monkeypatch):
    at = run_other(tmp_path, monkeypatch, "klasifikasi", "ppid")
    button = [b for b in at.button if b.label.startswith("Tandai sudah dimutakhirkan")]
    assert button and button[0].label == "Tandai sudah dimutakhirkan (terakhir 20 Maret 2026)"
    button[0].click().run()
    item = [i for i in history.register.list_items(history.office_id) if i.judul == "Renstra"][0]
    assert item.refreshed_on is not None and not at.exception


def test_each_open_request_can_be_shared_to_whatsapp(tmp_path, history, monkeypatch):
    at = run_other(tmp_path, monkeypatch, "permintaan", "ppid")
    links = at.get("link_button")
    assert len(links) == 1
    url = links[0].proto.url
    assert url.startswith("https://wa.me/?text=") and "Daftar%20Calon%20Tetap" in url


def test_a_dashboard_cut_from_the_whole_office_equals_one_computed_from_the_filtered_items(history, people):
    from lib.domain import metrics
    whole = dashboard.prepare(history, people["atasan"])
    for filters in (Filters("tahun", unit=UNIT_A), Filters("tahun", unit=UNIT_B), Filters("tahun", kategori="berkala")):
        board = dashboard.build(history, people["atasan"], filters, whole)
        items_only = dashboard._filtered(metrics.prepare(history.register.item_frame(history.office_id)), filters)
        alone = metrics.requests(items_only, history.calendar(), history.clock(), history.today())
        assert board.requests[["id", "start", "due", "days_used", "state"]].to_dict("records") == alone[
            ["id", "start", "due", "days_used", "state"]].to_dict("records")
        assert board.stages["id"].tolist() == metrics.backlog(items_only, history.calendar(), history.today())[
            "id"].tolist()


def test_the_items_table_is_read_once_per_register_state_for_the_dashboard_and_kelengkapan(ctx, people, monkeypatch):
    reads = []
    real = ctx.register.item_frame
    monkeypatch.setattr(ctx.register, "item_frame", lambda office, columns=None: reads.append(columns) or
                        real(office, columns))
    items.open_request(ctx, people["ppid"], UNIT_A, "Renstra")
    first = dashboard.build(ctx, people["ppid"], Filters())
    completeness.summary(ctx, people["ppid"])
    assert len(reads) == 1
    items.open_request(ctx, people["ppid"], UNIT_A, "LAKIP")
    second = dashboard.build(ctx, people["ppid"], Filters())
    assert len(reads) == 2  # a write moves the revision: the next view reads the new state
    assert len(second.requests) == len(first.requests) + 1
