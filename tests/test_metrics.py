"""Dashboard metrics on a small hand-computed register around Idul Fitri 2026."""
from datetime import date

import pandas as pd
import pytest

from lib.domain import metrics
from lib.domain.metrics import Window
from lib.domain.workdays import WorkCalendar
from lib.domain.workflow import ClockSettings

CAL = WorkCalendar()
TODAY = date(2026, 4, 13)  # Monday
ROWS = [
    # id, unit, status, requested_on, submitted_on, judged_due_on, kategori
    ("A", "Sekretariat", "diklasifikasi", "2026-03-17", "2026-03-20", "2026-03-31", "berkala"),  # early, in cuti
    ("B", "Sekretariat", "diajukan", "2026-03-21", "2026-03-31", "2026-03-31", ""),  # Saturday start, due day
    ("C", "Datin", "dikembalikan", "2026-03-18", "2026-04-01", "2026-03-31", ""),  # cuti start, 1 day late
    ("D", "Datin", "diminta", "2026-04-01", "", "", ""),  # open, past due (Good Friday skipped)
    ("E", "Datin", "diminta", "2026-04-08", "", "", ""),  # open, due within 2 working days
    ("F", "Sekretariat", "diajukan", "", "2026-04-02", "", ""),  # unprompted, no date: not on the clock
    ("G", "Datin", "ditarik", "2026-03-02", "", "", ""),  # withdrawn before answering: never judged
]


@pytest.fixture
def df():
    raw = pd.DataFrame([dict(zip(("id", "unit", "status", "requested_on", "submitted_on", "judged_due_on",
                                  "kategori"), r)) for r in ROWS])
    raw.loc[raw["id"] == "C", "returned_on"] = "2026-04-06"
    raw.loc[raw["id"] == "A", "classified_on"] = "2025-09-01"
    return metrics.prepare(raw)


@pytest.fixture
def req(df):
    return metrics.requests(df, CAL, ClockSettings(), TODAY, soon_days=2).set_index("id")


def test_each_request_gets_its_due_date_days_used_and_state(req):
    table = req[["due", "days_used", "state"]].assign(due=lambda d: d["due"].dt.date)
    assert table.to_dict("index") == {
        "A": {"due": date(2026, 3, 31), "days_used": 0, "state": "tepat_waktu"},
        "B": {"due": date(2026, 3, 31), "days_used": 5, "state": "tepat_waktu"},
        "C": {"due": date(2026, 3, 31), "days_used": 6, "state": "terlambat"},
        "D": {"due": date(2026, 4, 9), "days_used": 7, "state": "lewat_tenggat"},
        "E": {"due": date(2026, 4, 15), "days_used": 3, "state": "segera"},
    }


def test_on_time_rate_counts_submissions_and_open_requests_whose_due_date_passed(req):
    spring = Window(date(2026, 3, 1), date(2026, 4, 30))
    assert metrics.on_time_rate(req.reset_index(), spring) == 0.5
    assert metrics.on_time_rate(req.reset_index(), Window(date(2025, 1, 1), date(2025, 12, 31))) is None


def test_median_and_90th_percentile_working_days_to_submit(req):
    spring = Window(date(2026, 3, 1), date(2026, 4, 30))
    assert metrics.days_to_submit(req.reset_index(), spring) == (5.0, 5.8)


def test_per_unit_shows_requests_on_time_rate_and_overdue_now(req):
    table = metrics.per_unit(req.reset_index(), Window(date(2026, 3, 1), date(2026, 4, 30)))
    assert table.to_dict("records") == [
        {"unit": "Datin", "permintaan": 2, "tepat_waktu": 0, "persen_tepat_waktu": 0.0, "lewat_tenggat_kini": 1},
        {"unit": "Sekretariat", "permintaan": 2, "tepat_waktu": 2, "persen_tepat_waktu": 100.0,
         "lewat_tenggat_kini": 0},
    ]


def test_backlog_per_stage_with_age_in_working_days(df):
    stages = metrics.backlog(df, CAL, TODAY)
    ages = dict(zip(stages["id"], stages["age"]))
    # D since 1 Apr: 2, 6, 7, 8, 9, 10, 13 April (3 April Good Friday) = 7; E since 8 Apr: 9, 10, 13 = 3;
    # B submitted 31 Mar: 1, 2, 6..10, 13 = 8; F 2 Apr: 6..10, 13 = 6; C returned 6 Apr: 7..10, 13 = 5.
    assert ages == {"D": 7, "E": 3, "B": 8, "F": 6, "C": 5}
    summary = metrics.backlog_summary(stages)
    assert summary.to_dict("records") == [
        {"stage": "diminta", "count": 2, "median": 5, "max": 7},
        {"stage": "diajukan", "count": 2, "median": 7, "max": 8},
        {"stage": "dikembalikan", "count": 1, "median": 5, "max": 5},
    ]


def test_monthly_trend_groups_by_the_month_of_judgement(req):
    trend = metrics.monthly_trend(req.reset_index(), TODAY, months=3)
    assert trend.to_dict("records") == [
        {"bulan": "2026-03", "permintaan": 2, "tepat": 2, "persen_tepat_waktu": 100.0},
        {"bulan": "2026-04", "permintaan": 2, "tepat": 0, "persen_tepat_waktu": 0.0},
    ]


def test_a_berkala_item_unrefreshed_for_six_months_is_stale_until_marked_refreshed(df):
    assert metrics.stale_berkala(df, TODAY)["id"].tolist() == ["A"]
    df.loc[df["id"] == "A", "refreshed_on"] = pd.Timestamp("2026-02-01")
    assert metrics.stale_berkala(df, TODAY).empty


def test_the_dip_is_overdue_after_its_update_cycle():
    fresh = metrics.dip_currency([date(2025, 6, 1)], 1, 0, TODAY, cycle_months=12)
    assert (fresh.days_since, fresh.overdue, fresh.waiting_atasan) == (316, False, 1)
    assert metrics.dip_currency([date(2025, 4, 1)], 0, 0, TODAY).overdue
    assert metrics.dip_currency([], 0, 0, TODAY).overdue


def test_exemptions_ending_within_the_warning_period():
    dik = pd.DataFrame({"judul": ["X", "Y", "Z"],
                        "ends": pd.to_datetime(["2026-05-01", "2027-01-01", None])})
    assert metrics.exemptions_ending(dik, TODAY, months=3)["judul"].tolist() == ["X"]


def test_the_previous_window_has_the_same_length():
    assert metrics.previous_window(Window(date(2026, 4, 1), date(2026, 4, 30))) == Window(
        date(2026, 3, 2), date(2026, 3, 31))


def test_a_withdrawn_request_is_never_counted_as_overdue(req):
    assert "G" not in req.index


def test_missing_dates_do_not_reach_the_holiday_calendar():
    starts = pd.to_datetime(pd.Series(["2026-03-17", None])).to_numpy(dtype="datetime64[D]")
    due = CAL.due_dates(starts, 5)
    assert str(due[0]) == "2026-03-31" and pd.isna(due[1])
    with pytest.raises(ValueError):  # numpy refuses NaT at once instead of loading absurd years
        CAL.working_days_between_many(starts, starts)
