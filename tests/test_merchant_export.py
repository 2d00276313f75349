"""``merchant export``: one CSV per figure (UTF-8 with BOM, rows equal to the figures) and a PDF report
whose pages render to images with content, in both languages; bad input changes nothing."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtPdf import QPdfDocument
from test_merchant_dashboard import CRUSHED, seed_known

from desktop_app.cli.failures import explain
from desktop_app.cli.merchant_dashboard import PERIODS, register_dashboard
from desktop_app.core.errors import InvalidInput
from desktop_app.ui.merchant import texts
from desktop_app.ui.merchant.texts import PERIODS as WINDOW_PERIODS

SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


def run(app, *argv: str) -> int:  # type: ignore[no-untyped-def]
    """``desktop-app [--lang X] merchant <argv>`` through the parser ``register_dashboard`` builds."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", choices=("zh", "en"), default=None)
    merchant = parser.add_subparsers(dest="command").add_parser("merchant").add_subparsers(dest="action")
    register_dashboard(merchant)
    args = parser.parse_args(["merchant", *argv])
    return int(args.func(args, app.settings))


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has no BOM: Excel would garble Chinese"
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def render(pdf: Path, page: int = 0):  # type: ignore[no-untyped-def]
    document = QPdfDocument()
    assert document.load(str(pdf)) == QPdfDocument.Error.None_
    size = document.pagePointSize(page)
    image = document.render(page, QSize(int(size.width() * 1.5), int(size.height() * 1.5)))
    pages = document.pageCount()
    document.close()
    return image, pages


def inked(image) -> float:  # type: ignore[no-untyped-def]
    """Share of sampled pixels that are not white."""
    white = QColor("white").rgb()
    samples = [(x, y) for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)]
    return sum(image.pixel(x, y) != white for x, y in samples) / len(samples)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_export_writes_csv_equal_to_the_figures_and_a_pdf(qtbot, app, tmp_path, capsys, language):
    known = seed_known(app)
    out = tmp_path / "export"
    assert run(app, "export", "--out", str(out), "--days", "7", "--lang", language) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["agents.csv", "assembly_steps.csv", "complaints.csv", "complaints_by_week.csv", "rates_by_day.csv",
                     "report.pdf", "requests_by_intent.csv", "segments.csv", "unmet_searches.csv"]
    figures = app.merchant_figures
    period = figures.period(7)

    rates = read_csv(out / "rates_by_day.csv")
    assert rates[0][0] == ("Day" if language == "en" else "日期")
    expected = [[r.day.isoformat(), str(r.conversations), str(r.resolved), str(round(r.resolution.value, 4)),
                 str(r.handed_off), str(round(r.handoff.value, 4)), str(r.rated),
                 str(round(r.rating_sum / r.rated, 2)) if r.rated else ""] for r in figures.rates_by_day(period)]
    assert rates[1:] == expected
    assert sum(int(r[1]) for r in rates[1:]) == 6 and sum(int(r[2]) for r in rates[1:]) == 3  # the seeded counts

    complaints = read_csv(out / "complaints.csv")
    trend = figures.complaint_trends(period)[0]
    assert complaints[1][:4] == [texts.cause(trend.cause, language), texts.topic(trend.topic, language), "1", "1"]
    assert CRUSHED in complaints[1][6]
    volume = read_csv(out / "requests_by_intent.csv")
    assert len(volume) - 1 == len(figures.volume_by_intent(period))
    assert [texts.intent_name("complaint", language), "1", "1"] in [row[1:] for row in volume[1:]]
    steps = read_csv(out / "assembly_steps.csv")
    assert ["FUR-STOOL-01", "2", "2", "160.0", "1", "1"] in [row[1:] for row in steps[1:]]
    agents = read_csv(out / "agents.csv")
    assert agents[1] == ["Lin", "1", "1", "1", "180.0", "780.0"]
    segments = read_csv(out / "segments.csv")
    assert [int(row[1]) for row in segments[1:]] == [s.customers for s in figures.segments()]

    image, pages = render(out / "report.pdf")
    assert pages >= 2
    assert inked(image) > 0.03, "the report's first page is blank"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image.save(str(SCREENSHOTS / f"merchant_report_{language}_page1.png"))
    second, _ = render(out / "report.pdf", 1)
    assert inked(second) > 0.01
    printed = capsys.readouterr().out
    assert "report.pdf" in printed and (f"({pages} pages)" in printed or f"（{pages} 页）" in printed)
    assert known.ids  # the store had the seeded conversations


def test_export_prints_json_and_writes_into_a_new_folder(app, tmp_path, capsys):
    out = tmp_path / "a" / "b"
    assert run(app, "export", "--out", str(out), "--json") == 0
    printed = capsys.readouterr().out
    assert '"pages"' in printed and str(out / "report.pdf") in printed
    assert (out / "report.pdf").stat().st_size > 1000
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


@pytest.mark.parametrize("argv, words", [
    (("--days", "0"), "--days"),
    (("--days", "5000"), "--days"),
])
def test_bad_days_are_refused_before_anything_is_written(app, tmp_path, argv, words):
    out = tmp_path / "never"
    with pytest.raises(InvalidInput) as refused:
        run(app, "export", "--out", str(out), *argv)
    assert words in refused.value.message and refused.value.localized("zh") != refused.value.message
    assert not out.exists()


def test_an_output_that_is_a_file_is_refused(app, tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("keep me")
    with pytest.raises(InvalidInput) as refused:
        run(app, "export", "--out", str(target))
    assert explain(refused.value) is refused.value and "is a file" in refused.value.message
    assert target.read_text() == "keep me"
    with pytest.raises(InvalidInput):
        run(app, "export", "--out", str(target / "below"))


def test_the_command_offers_the_windows_periods():
    assert PERIODS == WINDOW_PERIODS
