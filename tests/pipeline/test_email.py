"""The optional e-mail of the report: off by default, and through Airflow's SMTP provider when configured.

A minimal SMTP server on 127.0.0.1 receives the message, so the provider's real client code runs."""

from __future__ import annotations

import json
import socketserver
import threading
from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest

from include.run_context import RunContext


class SmtpSink(socketserver.StreamRequestHandler):
    received: ClassVar[list[bytes]] = []

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            cmd = line.decode(errors="replace").strip().upper()
            if cmd.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif cmd == "DATA":
                self.reply("354 go ahead")
                body = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body += chunk
                SmtpSink.received.append(body)
                self.reply("250 queued")
            elif cmd == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server():
    SmtpSink.received = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpSink)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _config(tmp_path: Path, email_to: str) -> Path:
    base = (Path(__file__).resolve().parents[2] / "sandbox" / "crosscheck.yaml").read_text()
    path = tmp_path / "c.yaml"
    path.write_text(base + f"\ndata_dir: {tmp_path / 'data'}\nreport: {{locale: en, email_to: {email_to}}}\n")
    return path


def test_email_is_off_by_default(tmp_path, monkeypatch):
    from include.pipeline.tasks import email_report_task

    monkeypatch.setenv("CROSSCHECK_CONFIG", str(_config(tmp_path, "[]")))
    out = email_report_task(RunContext.new(date(2026, 11, 21)), {"paths": {}})
    assert out == {"sent": False, "reason": "report.email_to is empty"}


def test_email_goes_through_the_smtp_provider(tmp_path, monkeypatch, smtp_server):
    from include.pipeline.tasks import email_report_task

    monkeypatch.setenv("CROSSCHECK_CONFIG", str(_config(tmp_path, "[hr@example.com]")))
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({
        "conn_type": "smtp", "host": "127.0.0.1", "port": smtp_server,
        "extra": {"disable_tls": True, "disable_ssl": True, "from_email": "crosscheck@example.com",
                  "retry_limit": 1}}))
    html = tmp_path / "report-2026-11-21-en.html"
    html.write_text("<html><body>Pre-hire verification report</body></html>", encoding="utf-8")
    day_csv = tmp_path / "report-2026-11-21-en.csv"  # the day's export is attached beside the day report
    day_csv.write_bytes("\ufeffreport_day,candidate_id\r\n2026-11-21,greenhouse:1\r\n".encode())
    out = email_report_task(RunContext.new(date(2026, 11, 21)),
                            {"paths": {"en": {"html": str(html), "csv": str(day_csv)}}})
    assert out == {"sent": True, "recipients": 1}
    assert len(SmtpSink.received) == 1
    message = SmtpSink.received[0].decode(errors="replace")
    assert 'filename="report-2026-11-21-en.html"' in message and 'filename="report-2026-11-21-en.csv"' in message
    assert "Crosscheck report 2026-11-21" in message
    assert "hr@example.com" in message
