from __future__ import annotations

import json

import pytest

from desktop_app.cli import main
from desktop_app.service.fairness import Exposure, audit


def test_fairness_audit_accounts_for_every_slot(app):
    report = audit(app.db, app.recommendations, per_customer=3)
    assert report.slots > 0
    for dim in ("brand", "origin_region", "price_band"):
        shares = [e for e in report.exposures if e.dimension == dim]
        assert sum(e.exposure_share for e in shares) == pytest.approx(1.0)
        assert sum(e.catalog_share for e in shares) == pytest.approx(1.0)
    languages = {p.group for p in report.parity if p.dimension == "language"}
    assert languages == {"zh", "en"}
    assert report.parity_gap("language") >= 1.0


def test_exposure_flags_over_and_under_exposure():
    assert Exposure("brand", "A", 0.10, 0.30).flagged and Exposure("brand", "B", 0.10, 0.02).flagged
    assert not Exposure("brand", "C", 0.10, 0.12).flagged


def test_merchant_report_cli(app, app_settings, monkeypatch, capsys):
    st = app.assistant.new_session(language="en")
    app.assistant.ask(st, "I want to talk to a human agent now")
    app.close()
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(app_settings.data_dir))
    monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(app_settings.cache_dir))
    assert main(["merchant", "report", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["handoff_queue"] and data["resolution"]["handed_off"] == 1
    assert data["fairness"]["slots"] > 0 and "language" in data["parity_gap"]
