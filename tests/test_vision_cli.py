"""``desktop-app detect`` and ``scan`` as QA scripts use them: JSON lines, one clear error line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from vision_helpers import needs_weights

from desktop_app.cli import main
from desktop_app.core.config import Settings

QR = Path(__file__).resolve().parents[1] / "assets" / "models3d" / "FUR-TABLE-SIDE" / "qr" / "step-05.png"


@pytest.fixture
def cli(settings_factory: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    settings = settings_factory(seeded=False)
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(settings.cache_dir))

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@needs_weights
def test_detect_json_one_line_per_image(cli, stool_photo: Path, tmp_path: Path) -> None:
    second = tmp_path / "again.jpg"
    shutil.copy(stool_photo, second)
    code, out, err = cli("detect", str(stool_photo), str(second), "--json")
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [Path(line["image"]).name for line in lines] == ["stool_step7.jpg", "again.jpg"]
    for line in lines:
        assert line["width"] == 480 and line["height"] == 480
        labels = [d["label"] for d in line["detections"]]
        assert labels.count("bolt") >= 3 and "allen_key" in labels
        for d in line["detections"]:
            x1, y1, x2, y2 = d["box"]
            assert 0 <= x1 < x2 <= 480 and 0 <= y1 < y2 <= 480 and 0 < d["confidence"] <= 1
    assert lines[0]["detections"] == lines[1]["detections"]


@needs_weights
def test_detect_explain_names_the_guide(cli, stool_photo: Path) -> None:
    code, out, _ = cli("--lang", "en", "detect", str(stool_photo), "--explain")
    # the stool's step 7 parts are also the side table's step 7 less a board: named, not claimed
    assert code == 0 and "bolt" in out and "Walnut four-leg stool" in out and "can't tell" in out
    code, out, _ = cli("detect", str(stool_photo), "--json", "--explain")
    assert "guide" not in json.loads(out) and "胡桃木四脚凳" in json.loads(out)["explanation"]


@pytest.mark.parametrize("kind, message", [("text", "not a picture"), ("truncated", "damaged"),
                                           ("empty", "empty"), ("folder", "folder"), ("missing", "No such file")])
def test_bad_file_is_one_line_and_fails(cli, bad_files, kind: str, message: str) -> None:
    code, out, err = cli("--lang", "en", "detect", str(bad_files[kind]), "--json")
    assert code == 1 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@needs_weights
def test_one_bad_file_among_good_ones(cli, stool_photo: Path, bad_files) -> None:
    code, out, err = cli("--lang", "en", "detect", str(stool_photo), str(bad_files["text"]), "--json")
    assert code == 1 and len(out.splitlines()) == 1 and "not a picture" in err


def test_bad_options(cli, stool_photo: Path) -> None:
    code, _, err = cli("--lang", "en", "detect", str(stool_photo), "--imgsz", "300")
    assert code == 1 and "multiple of 32" in err


def test_scan_reads_a_guide_code(cli) -> None:
    code, out, _ = cli("--lang", "en", "scan", str(QR))
    assert code == 0 and "asmguide:v1?product=FUR-TABLE-SIDE&step=5" in out and "step 5" in out
    code, out, _ = cli("scan", str(QR), "--json")
    assert json.loads(out)["codes"] == [{"payload": "asmguide:v1?product=FUR-TABLE-SIDE&step=5",
                                         "product": "FUR-TABLE-SIDE", "step": 5}]
    code, out, _ = cli("--lang", "zh", "scan", str(QR))
    assert "第 5 步" in out


def test_scan_without_code_or_with_a_bad_file(cli, stool_photo: Path, bad_files) -> None:
    code, _, err = cli("--lang", "en", "scan", str(stool_photo))
    assert code == 1 and "No QR code found" in err
    code, _, err = cli("--lang", "en", "scan", str(bad_files["truncated"]))
    assert code == 1 and "damaged" in err
