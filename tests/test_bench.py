"""The large-table benchmark runs, checks what it renders, and reports every figure (times are never asserted)."""
import pytest

from builder.commands import bench

KEYS = {"rows", "columns", "ours_s", "baseline_s", "ratio", "ours_per_1000_s", "build_s", "render_s",
        "normalise_s", "ours_cpu_s", "baseline_cpu_s", "checked", "peak_mb"}


@pytest.fixture(scope="module")
def results():
    return bench.run(rows=(10, 50), columns=4, repeat=1)


def test_every_row_count_reports_every_figure(results):
    assert [r["rows"] for r in results] == [10, 50]
    for r in results:
        assert set(r) == KEYS
        assert r["columns"] == 4
        assert set(r["peak_mb"]) == {"ours", "baseline"}
        assert all(r[k] > 0 for k in ("ours_s", "baseline_s", "ratio", "render_s", "ours_cpu_s"))


def test_outputs_were_checked(results):
    for r in results:
        assert r["checked"] == {"rows": r["rows"] + 1, "last_cell": bench._texts(r["rows"], 4)[1][-1][-1],
                                "same_text_as_baseline": True}


def test_report_names_every_row_count_and_the_linearity(results):
    report = bench.format_report(results)
    lines = report.splitlines()
    assert lines[0].split()[:3] == ["rows", "ours", "s"]
    assert [line.split()[0] for line in lines[1:3]] == ["10", "50"]
    assert "linearity, per-row time at 50 / at 10 rows" in report
    assert "VmHWM" in report


def test_a_wrong_render_raises():
    header, body = bench._texts(5, 3)
    data, _ = bench.ours(bench._template(), header, body)
    with pytest.raises(AssertionError, match="rows"):
        bench.check(data, header, body + [body[-1]])  # one row fewer than expected
    with pytest.raises(AssertionError, match="last cell"):
        bench.check(data, header, body[:-1] + [body[-1][:-1] + ["different"]])


def test_without_memory_the_report_still_formats():
    results = bench.run(rows=(5,), columns=3, repeat=1, memory=False)
    assert results[0]["peak_mb"] is None
    assert "nan" in bench.format_report(results)


def test_the_build_report_shows_each_ratio_against_its_target_and_the_portfolio_edit():
    from builder.commands import bench_build

    def figure(s, leaves=214):
        return {"s": s, "leaves": leaves, "mb": 90.0}

    medians = {"cold": figure(1.0), "cold-serial": figure(1.2), "naive": figure(2.0), "no-change": figure(0.02),
               "one-value": figure(0.5), "check": figure(0.3), "floor": figure(0.1)}
    rows = [{"products": 16, "s": 12.0, "leaves": 3424, "mb": 300.0, "per_product_s": 0.75, "edit_s": 1.25}]
    report = bench_build.format_report({"medians": medians, "portfolio": rows, "repeat": 5})
    lines = {line[:46].strip(): line.split() for line in report.splitlines()}
    assert lines["cold build / naive docxtpl loop, serial"][-4:] == ["0.60", "≤", "0.5", "no"]
    assert lines["no-change rebuild / cold build"][-4:] == ["0.02", "≤", "0.05", "yes"]
    assert lines["check / build"][-4:] == ["0.25", "≤", "0.1", "no"]
    portfolio = next(line for line in report.splitlines() if line.startswith("16 "))
    assert portfolio.split() == ["16", "12.00", "0.75", "3424", "300", "1.25"]
    assert "one-value s" in report
