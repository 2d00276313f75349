from __future__ import annotations

import json

from desktop_app.cli import main


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
