from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.config import load_settings
from desktop_app.core.errors import ConfigError
from desktop_app.core.text import clean_text


def test_settings_read_prefixed_environment(tmp_path):
    s = load_settings(env={"DESKTOP_APP_DATA_DIR": str(tmp_path), "DESKTOP_APP_RETENTION_DAYS": "30",
                           "DESKTOP_APP_KIOSK": "yes", "DESKTOP_APP_DB_URL": "postgresql://kiosk@db/shop"})
    assert s.data_dir == Path(tmp_path) and s.retention_days == 30 and s.kiosk is True
    assert s.resolved_db_url == "postgresql://kiosk@db/shop"
    assert load_settings(env={}, data_dir=tmp_path).resolved_db_url.endswith("store.sqlite3")


@pytest.mark.parametrize("env", [{"DESKTOP_APP_RETENTION_DAYS": "soon"}, {"DESKTOP_APP_KIOSK": "maybe"}])
def test_bad_settings_name_the_variable(env):
    with pytest.raises(ConfigError, match=next(iter(env))):
        load_settings(env=env)


def test_clean_text_strips_controls_and_caps_length():
    assert clean_text("a\x00b\u202ec\n\n d") == "a b c d"
    assert len(clean_text("字" * 10_000)) == 2000
    assert clean_text("ＡＢＣ１２３") == "ABC123"
