"""The HTML report renders in the distribution's headless Chromium: screenshot, PDF, no console errors."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import ROOT
from sharing_audit.checks import load_checks
from sharing_audit.engine import CheckOptions, run_check
from sharing_audit.report import OutputFormat

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND"]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: run `apt-get install -y chromium` (never a browser downloaded by a test tool)")
    return found


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inputs = tuple(i for c in load_checks(ROOT / "checks") for i in c.inputs(ROOT))
    result = run_check(CheckOptions(ROOT / "policies", inputs, as_of=dt.date(2026, 11, 25)))
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(OutputFormat.HTML.to_formatter().format(result), encoding="utf-8")
    return path


def run(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    profile = tmp / "profile"
    return subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_screenshot_and_pdf_render(report: Path, tmp_path: Path) -> None:
    png, pdf = tmp_path / "report.png", tmp_path / "report.pdf"
    shot = run([f"--screenshot={png}", "--window-size=1280,2000", report.as_uri()], tmp_path)
    assert png.exists(), shot.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    printed = run([f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri()], tmp_path)
    assert pdf.exists(), printed.stderr[-2000:]
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
    for proc in (shot, printed):
        console_errors = [line for line in proc.stderr.splitlines() if re.search(r"CONSOLE.*(Uncaught|Error|Failed)", line)]
        assert console_errors == []
