"""The chain's head, signed and kept outside the warehouse.

Every seal (``include.audit.coverage``) is signed with an Ed25519 key that the warehouse never holds and
appended, as one JSON line, to the anchor log: a file opened ``O_APPEND`` (mode 0600) under ``data_dir``
by default (``audit.anchor_log`` in the configuration). Verification needs only the public key
(``audit.public_key`` in the configuration, or derived from the key connection) and the log: a chain
rebuilt by someone without the private key, or cut short, no longer matches the heads the log signed.

The private key is the Airflow connection ``crosscheck_audit_key``: its password is the base64 of the
raw 32-byte private key. Outside Airflow (the CLI) it is read from ``AIRFLOW_CONN_CROSSCHECK_AUDIT_KEY``
(JSON or URI form); inside an Airflow process, through Airflow's connection look-up (environment,
secrets backend, metadata database).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:  # the CLI imports this module for AnchorError: cryptography loads only when a key is used
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_CONN_ID = "crosscheck_audit_key"
KEY_ENV = "AIRFLOW_CONN_CROSSCHECK_AUDIT_KEY"
DEFAULT_LOG = "audit/anchors.jsonl"


class AnchorError(RuntimeError):
    """A key or an anchor log that cannot be used; one line, never the key itself."""


def message(seq: int, head: str) -> bytes:
    """What is signed: the seal's position and its hash (which chains every seal before it)."""
    return f"crosscheck-audit-seal:{int(seq)}:{head}".encode("ascii")


def public_text(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def _raw32(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise AnchorError(f"{what} is not base64") from None
    if len(raw) != 32:
        raise AnchorError(f"{what} is {len(raw)} bytes once decoded; an Ed25519 key is 32")
    return raw


def private_key(text: str) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(_raw32(text, f"the {KEY_CONN_ID} connection's password"))


def public_key(text: str) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(_raw32(text, "audit.public_key"))


def key_connection(environ: dict[str, str] | None = None) -> dict[str, Any] | None:
    """The key connection as a dict (``password``, ``extra``), or None when it is not defined."""
    env = os.environ if environ is None else environ
    raw = (env.get(KEY_ENV) or "").strip()
    if raw.startswith("{"):
        try:
            conn = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise AnchorError(f"{KEY_ENV}: not valid JSON ({exc.msg})") from None
        if not isinstance(conn, dict):
            raise AnchorError(f"{KEY_ENV}: a JSON connection is an object")
        return conn
    if raw:
        u = urlsplit(raw)
        return {"conn_type": u.scheme, "password": unquote(u.password) if u.password else None, "extra": {}}
    if environ is None and "airflow.sdk" in sys.modules:  # in an Airflow process: secrets backends too
        try:
            from airflow.sdk import BaseHook

            c = BaseHook.get_connection(KEY_CONN_ID)
        except Exception:  # noqa: BLE001 - not defined (AirflowNotFoundException or its task-SDK twin)
            return None
        return {"conn_type": c.conn_type, "password": c.password, "extra": c.extra_dejson or {}}
    return None


@dataclass
class Anchor:
    """Where seals are anchored (``log``), the key that signs them (None: not anchored) and the key that
    verifies them (None: the heads cannot be checked)."""

    log: Path
    signer: Ed25519PrivateKey | None = None
    verifier: Ed25519PublicKey | None = None
    source: str = field(default="")  # where the public key came from, for messages

    def append(self, seal: dict[str, Any]) -> bool:
        """Sign the seal's head and append it to the log; False when there is no key to sign with."""
        if self.signer is None:
            return False
        entry = {
            "seq": int(seal["seq"]),
            "hash": seal["hash"],
            "kind": seal["kind"],
            "sealed_at": seal["sealed_at"],
            "public_key": public_text(self.signer.public_key()),
            "signature": base64.b64encode(self.signer.sign(message(seal["seq"], seal["hash"]))).decode("ascii"),
        }
        self.log.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (json.dumps(entry, sort_keys=True) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return True

    def read(self) -> tuple[dict[int, str], list[str]]:
        """The signed heads in the log (seq -> hash) and the problems found reading it."""
        heads: dict[int, str] = {}
        problems: list[str] = []
        if self.verifier is None or not self.log.is_file():
            return heads, problems
        from cryptography.exceptions import InvalidSignature

        for n, line in enumerate(self.log.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                e = json.loads(line)
                seq, head, sig = int(e["seq"]), str(e["hash"]), base64.b64decode(e["signature"], validate=True)
                self.verifier.verify(sig, message(seq, head))
            except InvalidSignature:
                problems.append(f"anchor log line {n}: the signature does not verify with the public key "
                                f"({self.source}): the line was forged or signed by another key")
                continue
            except (ValueError, KeyError, TypeError, binascii.Error):
                problems.append(f"anchor log line {n}: not a signed head")
                continue
            if heads.get(seq, head) != head:
                problems.append(f"anchor log: two different signed heads for seal {seq}")
            heads[seq] = head
        return heads, problems


def log_path(config: Any) -> Path:
    text = getattr(getattr(config, "audit", None), "anchor_log", None) or DEFAULT_LOG
    p = Path(text)
    return p if p.is_absolute() else Path(config.data_path()) / p


def anchor_for(config: Any, conn: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> Anchor:
    """The anchor of this configuration: the log, the signing key (from ``conn`` or the key connection) and
    the public key (``audit.public_key``, else the connection's ``extra.public_key``, else derived from the
    private key). Raises ``AnchorError`` for a key that is set but unusable."""
    if conn is None:
        conn = key_connection(environ)
    signer = None
    if conn is not None and str(conn.get("password") or "").strip():
        signer = private_key(str(conn["password"]))
    configured = getattr(getattr(config, "audit", None), "public_key", None)
    extra = (conn or {}).get("extra") or {}
    if isinstance(extra, str):
        extra = json.loads(extra) if extra.strip() else {}
    if configured:
        verifier, source = public_key(configured), "audit.public_key"
    elif extra.get("public_key"):
        verifier, source = public_key(str(extra["public_key"])), f"{KEY_CONN_ID} extra.public_key"
    elif signer is not None:
        verifier, source = signer.public_key(), f"the {KEY_CONN_ID} connection"
    else:
        verifier, source = None, ""
    if signer is not None and verifier is not None and public_text(signer.public_key()) != public_text(verifier):
        raise AnchorError(f"the {KEY_CONN_ID} connection's key does not match {source}")
    return Anchor(log_path(config), signer, verifier, source)

