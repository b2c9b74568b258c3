"""The sandbox's fake credentials and the Airflow connections that point every source at it.

These are test secrets that exist only in the sandbox; the log-scrubbing test searches task logs
for them to prove that no secret is ever logged.
"""

from __future__ import annotations

from typing import Any

GREENHOUSE_CLIENT_ID = "sandbox-gh-client-7f3a"
GREENHOUSE_CLIENT_SECRET = "sandbox-gh-secret-Q9x2LmP4"
LEVER_API_KEY = "sandbox-lever-key-Zt81Kd0w"
COMPANIES_HOUSE_API_KEY = "sandbox-ch-key-4e1b9c77"
OPENCORPORATES_API_TOKEN = "sandbox-oc-token-Hy62Rb"
GITHUB_TOKEN = "sandbox-gh-pat-u1Vq93"
REVIEWS_API_KEY = "sandbox-reviews-key-Mm20"
# The sandbox's Ed25519 key that signs the audit chain's heads (base64 of the raw 32 bytes), and its public
# half, which verification uses. A test key: a real deployment makes its own (docs/AUDIT-TRAIL.md).
AUDIT_PRIVATE_KEY = "XTNQLvj4OZWl8NE/cmzG9OBSzesIzWmvNCUyeW7+ZnE="
AUDIT_PUBLIC_KEY = "tV1mg+4q4285tYyuPdz5msoBdw5i80OFe9lPS9R4dbs="
SECRETS = (GREENHOUSE_CLIENT_SECRET, LEVER_API_KEY, COMPANIES_HOUSE_API_KEY, OPENCORPORATES_API_TOKEN,
           GITHUB_TOKEN, REVIEWS_API_KEY, AUDIT_PRIVATE_KEY)


def audit_key_connection(with_private_key: bool = True) -> dict[str, Any]:
    """``crosscheck_audit_key``: the signing key in the password, its public half in extra (a verifier
    needs only that: ``with_private_key=False``)."""
    conn: dict[str, Any] = {"conn_type": "generic", "extra": {"public_key": AUDIT_PUBLIC_KEY}}
    if with_private_key:
        conn["password"] = AUDIT_PRIVATE_KEY
    return conn


# The sandbox has no rate limit of its own: lift the clients' documented limits (extra.rate_limit) so
# the demo is not paced like the real APIs. Fault-injection tests exercise the limiters.
FAST = {"rate_limit": [100000, 1]}


def connections(base: str) -> dict[str, dict[str, Any]]:
    return {
        "greenhouse_default": {"conn_type": "http", "host": f"{base}/greenhouse", "login": GREENHOUSE_CLIENT_ID,
                               "password": GREENHOUSE_CLIENT_SECRET,
                               "extra": {"token_url": f"{base}/greenhouse/auth/token", **FAST}},
        "lever_default": {"conn_type": "http", "host": f"{base}/lever/v1", "password": LEVER_API_KEY,
                          "extra": FAST},
        "companies_house_default": {"conn_type": "http", "host": f"{base}/companies_house",
                                    "password": COMPANIES_HOUSE_API_KEY, "extra": FAST},
        "gleif_default": {"conn_type": "http", "host": f"{base}/gleif/api/v1", "extra": FAST},
        "opencorporates_default": {"conn_type": "http", "host": f"{base}/opencorporates/v0.4",
                                   "password": OPENCORPORATES_API_TOKEN, "extra": FAST},
        "orcid_default": {"conn_type": "http", "host": f"{base}/orcid/v3.0", "extra": FAST},
        "github_default": {"conn_type": "http", "host": f"{base}/github", "password": GITHUB_TOKEN, "extra": FAST},
        "reviews_default": {"conn_type": "http", "host": f"{base}/reviews", "password": REVIEWS_API_KEY,
                            "extra": FAST},
        "crosscheck_audit_key": audit_key_connection(),
    }
