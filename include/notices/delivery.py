"""How a notice reached the candidate: e-mailed through the configured SMTP connection, or handed over.

A delivery is appended to ``notice_deliveries`` (never edited; a letter sent twice has two rows) and
sealed. It records who delivered it, when, how (``email``: the Airflow connection, the Message-ID and the
number of recipients; ``handed_over``: HR's note) and, for a pre-adverse notice, the last working day
of the waiting period (``notices.pre_adverse_wait_working_days`` after the delivery day; business days
on the US federal calendar for a US candidate, the candidate's jurisdiction's working days otherwise).

E-mail goes through Airflow's SMTP provider (``notices.smtp_conn_id``, ``smtp_default``). The letter is
the message's body and its attachment; its file must still hash to what was recorded when it was
written, so a letter edited on disk is never sent. Nothing is recorded when sending fails.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from include.notices.decisions import DecisionRefused, anchor_of, clean_text, decision_by_id
from include.notices.letters import letter_by_id, rights_family, subject_line
from include.notices.workdays import FCRA, add_working_days
from include.warehouse import Warehouse
from include.warehouse.base import sha256_text

TABLE = "notice_deliveries"
METHODS: tuple[str, ...] = ("email", "handed_over")
MAX_NOTE = 1000

# (connection id, recipients, subject, html, attachment path, Message-ID) -> None; raises when not sent
Sender = Callable[[str, list[str], str, str, str, str], None]


class DeliveryFailed(RuntimeError):
    """The e-mail was not sent (the SMTP connection is missing or refused it); nothing was recorded."""


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    notice_id: str
    decision_id: str
    candidate_id: str
    method: str
    delivered_by: str
    delivered_at: str
    delivered_on: str
    wait_until: str | None
    detail: dict[str, Any]

    def as_row(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def airflow_smtp(conn_id: str, to: list[str], subject: str, html: str, path: str, message_id: str) -> None:
    """Send through Airflow's SMTP provider (the connection's host, port, login, TLS and from address)."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    with SmtpHook(smtp_conn_id=conn_id) as smtp:
        smtp.send_email_smtp(to=to, subject=subject, html_content=html, files=[path],
                             custom_headers={"Message-ID": message_id})


def candidate_emails(wh: Warehouse, candidate_id: str) -> list[str]:
    rows = wh.query("SELECT emails FROM candidates WHERE candidate_id = ?", [candidate_id])
    raw = rows[0]["emails"] if rows else None
    if isinstance(raw, str):
        import json

        raw = json.loads(raw)
    return [str(e).strip() for e in raw or [] if str(e).strip()]


def deliver_notice(
    wh: Warehouse,
    notice_id: str,
    config: Any,
    method: str,
    by: str,
    *,
    to: Sequence[str] | None = None,
    note: str = "",
    at: datetime | None = None,
    send: Sender | None = None,
    anchor: Any = None,
) -> Delivery:
    """Deliver a written notice and record it (sealed); return the delivery.

    ``email``: to ``to``, else the candidate's addresses from the ATS, through ``notices.smtp_conn_id``
    (``send`` replaces Airflow's SMTP hook, e.g. for another transport). ``handed_over``: HR says the
    letter was handed to the candidate (``note``: how). Raises ``KeyError`` for an unknown notice,
    ``DecisionRefused`` (a ``ValueError``) for an unknown method, an empty name, no address, or a letter
    file that is missing or changed since it was written, ``DeliveryFailed`` when sending failed.
    """
    if method not in METHODS:
        raise DecisionRefused(f"unknown delivery method {method!r}: one of {', '.join(METHODS)}")
    by = clean_text("the name of who delivers the notice", by, 200)
    note = (note or "").strip()[:MAX_NOTE]
    if "\0" in note:
        raise DecisionRefused("the note holds a NUL character, which cannot be stored: remove it")
    letter = letter_by_id(wh, notice_id)
    decision = decision_by_id(wh, letter.decision_id)
    path = Path(letter.path)
    try:
        html = path.read_text(encoding="utf-8")
    except OSError:
        raise DecisionRefused(f"the letter file of notice {letter.notice_id[:12]} is missing: write the notice "
                              "again") from None
    if sha256_text(html) != letter.sha256:
        raise DecisionRefused(f"the letter file of notice {letter.notice_id[:12]} changed since it was written: "
                              "write the notice again")
    detail: dict[str, Any]
    if method == "email":
        recipients = [t.strip() for t in (to or []) if t and t.strip()] or candidate_emails(wh, decision.candidate_id)
        if not recipients:
            raise DecisionRefused("the candidate has no e-mail address in the ATS: give one (--to) or hand the "
                                  "letter over")
        conn_id = config.notices.smtp_conn_id
        domain = recipients[0].rpartition("@")[2] or "crosscheck.invalid"
        message_id = make_msgid(idstring=letter.notice_id[:16], domain=domain)
        try:
            (send or airflow_smtp)(conn_id, recipients, subject_line(decision, config, letter.locale), html,
                                   str(path), message_id)
        except Exception as exc:  # noqa: BLE001 - AirflowException, smtplib's and socket errors alike
            # the type and the SMTP code only: a refusal's text may quote the candidate's address
            code = getattr(exc, "smtp_code", None)
            raise DeliveryFailed(f"notice {letter.notice_id[:12]} was not sent through SMTP connection "
                                 f"{conn_id!r}: {type(exc).__name__}" + (f" (SMTP {code})" if code else "")
                                 + "; nothing was recorded") from None
        detail = {"conn_id": conn_id, "message_id": message_id, "recipients": len(recipients)}
    else:
        detail = {"note": note}
    when = (at or datetime.now(UTC)).astimezone(UTC)
    day = when.date()
    wait_until = None
    if decision.decision == "pre_adverse":
        place = FCRA if rights_family(decision.jurisdiction) == "US" else decision.jurisdiction
        wait_until = add_working_days(place, day, config.notices.pre_adverse_wait_working_days).isoformat()
    delivered_at = when.isoformat()
    delivery_id = hashlib.sha256(f"{letter.notice_id}|{method}|{delivered_at}|{by}".encode()).hexdigest()[:32]
    made = Delivery(delivery_id=delivery_id, notice_id=letter.notice_id, decision_id=decision.decision_id,
                    candidate_id=decision.candidate_id, method=method, delivered_by=by, delivered_at=delivered_at,
                    delivered_on=day.isoformat(), wait_until=wait_until, detail=detail)
    with wh.transaction():
        from include.audit.coverage import LOCK, seal_locked

        wh.lock(LOCK)
        wh.upsert(TABLE, [made.as_row()], ["delivery_id"])
        sealed = seal_locked(wh, "delivery", delivery_id, by)
    anchor_of(config, anchor).append(sealed)
    return made


def deliveries_of(wh: Warehouse, decision_id: str) -> list[dict[str, Any]]:
    return wh.query(f"SELECT * FROM {TABLE} WHERE decision_id = ? ORDER BY delivered_at, delivery_id", [decision_id])


__all__ = ["METHODS", "Delivery", "DeliveryFailed", "airflow_smtp", "deliver_notice", "deliveries_of"]
