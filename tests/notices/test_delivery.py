"""Notices e-mailed for real through Airflow's SMTP provider (the connection ``notices.smtp_conn_id``) to a
small SMTP server on loopback started by the test; a refused e-mail records nothing and names no address."""

from __future__ import annotations

import email
import json
import socketserver
import threading
from collections.abc import Iterator
from datetime import date
from email import policy
from pathlib import Path
from typing import Any

import pytest

from include.notices import DeliveryFailed, attention, deliver_notice, record_decision, write_notice
from tests.notices.notice_helpers import app_of, config, populate

ANA = "greenhouse:101"
CONN_ID = "smtp_notices_test"


class _Handler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT (refusing addresses at refused.example), DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        server: Any = self.server
        self.reply("220 loopback ESMTP test")
        mail: dict[str, Any] = {"rcpt": []}
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            cmd = raw.decode("utf-8", "replace").strip()
            verb = cmd[:4].upper()
            if verb == "EHLO":
                self.reply("250-loopback")
                self.reply("250 8BITMIME")
            elif verb == "HELO" or verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "MAIL":
                mail = {"from": cmd[10:].strip(), "rcpt": []}
                self.reply("250 OK")
            elif verb == "RCPT":
                if "refused.example" in cmd:
                    self.reply("550 no such mailbox")
                else:
                    mail["rcpt"].append(cmd[8:].strip())
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with .")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                mail["data"] = b"".join(lines)
                server.messages.append(mail)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    server: Any = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    conn = {"conn_type": "email", "host": "127.0.0.1", "port": server.server_address[1],
            "extra": {"from_email": "hr@acme.example", "disable_tls": True, "disable_ssl": True, "retry_limit": 0,
                      "timeout": 10}}
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(conn))
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def wh(tmp_path: Path) -> Iterator[Any]:
    from include.warehouse import connect

    w = connect({"conn_type": "duckdb", "host": str(tmp_path / "warehouse.duckdb")})
    w.migrate()
    yield w
    w.close()


def test_a_pre_adverse_notice_is_emailed_with_the_letter_and_starts_the_wait(wh, smtp_server, tmp_path) -> None:
    cfg = config(tmp_path, smtp_conn_id=CONN_ID)
    populate(wh)
    d = record_decision(wh, app_of(ANA), "pre_adverse", "employer not confirmed", "Hana HR", cfg)
    letter = write_notice(wh, d.decision_id, cfg, "Hana HR")
    done = deliver_notice(wh, letter.notice_id, cfg, "email", "Hana HR")  # to the candidate's ATS address
    assert done.method == "email" and done.wait_until is not None
    assert done.detail["conn_id"] == CONN_ID and done.detail["recipients"] == 1
    [got] = smtp_server.messages
    assert got["rcpt"] == ["<ana@example.net>"] and got["from"] == "<hr@acme.example>"
    msg = email.message_from_bytes(got["data"], policy=policy.default)
    assert msg["Message-ID"] == done.detail["message_id"]
    assert msg["Subject"] == "Your application with Acme Robotics: Before we decide: notice of possible adverse action"
    bodies = [part.get_content() for part in msg.walk() if part.get_content_type() == "text/html"]
    assert any("Fair Credit Reporting Act" in b for b in bodies)
    assert any(part.get_filename() == Path(letter.path).name for part in msg.walk())  # the letter, attached
    stored = wh.query("SELECT method, detail, wait_until FROM notice_deliveries")
    assert len(stored) == 1 and stored[0]["detail"]["message_id"] == done.detail["message_id"]
    assert [a.state for a in attention(wh, date.fromisoformat(done.delivered_on))] == ["waiting"]


def test_a_refused_email_records_nothing_and_names_no_address(wh, smtp_server, tmp_path) -> None:
    cfg = config(tmp_path, smtp_conn_id=CONN_ID)
    populate(wh)
    d = record_decision(wh, app_of(ANA), "proceed", "all explained", "Hana HR", cfg)
    letter = write_notice(wh, d.decision_id, cfg, "Hana HR")
    with pytest.raises(DeliveryFailed) as caught:
        deliver_notice(wh, letter.notice_id, cfg, "email", "Hana HR", to=["ana@refused.example"])
    assert "refused.example" not in str(caught.value) and CONN_ID in str(caught.value)
    assert wh.query("SELECT count(*) AS n FROM notice_deliveries")[0]["n"] == 0
    assert smtp_server.messages == []


def test_a_missing_connection_is_a_clear_failure(wh, tmp_path) -> None:
    cfg = config(tmp_path, smtp_conn_id="smtp_nowhere")
    populate(wh)
    d = record_decision(wh, app_of(ANA), "proceed", "all explained", "Hana HR", cfg)
    letter = write_notice(wh, d.decision_id, cfg, "Hana HR")
    with pytest.raises(DeliveryFailed, match="smtp_nowhere"):
        deliver_notice(wh, letter.notice_id, cfg, "email", "Hana HR")
    assert wh.query("SELECT count(*) AS n FROM notice_deliveries")[0]["n"] == 0
