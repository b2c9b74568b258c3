"""GitHub REST API in the sandbox: ``GET /users/{login}`` with GitHub's rate-limit headers.

A token is optional, as on github.com, but a wrong one is refused (401 "Bad credentials").
The hourly quota (60 without a token, 5000 with one) is counted per world and per mode; once
spent, the answer is 403 with ``x-ratelimit-remaining: 0`` and the reset time, as GitHub does.

Conditional requests, as GitHub documents them: every profile is served with an ``ETag`` (a weak
validator, the sha256 of the body served), and a request whose ``If-None-Match`` names the current
one is answered 304 with no body. A 304 to an authenticated request costs no quota; without a token
it is counted like any other request.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import Any

from sandbox import credentials
from sandbox.server import SandboxRequest, SandboxResponse, json_response

LIMITS = {"token": 5000, "anonymous": 60}
WINDOW = 3600
_lock = threading.Lock()


def _usage(world: Any) -> dict[tuple[str, int], int]:
    usage = getattr(world, "_sandbox_github_usage", None)
    if usage is None:
        usage = {}
        world._sandbox_github_usage = usage
    return usage


def _spend(world: Any, mode: str) -> tuple[dict[str, str], bool]:
    """Count one request; the rate-limit headers to send and whether the quota was already spent."""
    now = int(time.time())
    window = now - now % WINDOW
    with _lock:
        usage = _usage(world)
        used = usage.get((mode, window), 0)
        spent = used >= LIMITS[mode]
        if not spent:
            used += 1
            usage[(mode, window)] = used
    return _headers(LIMITS[mode], used, window), spent


def _peek(world: Any, mode: str) -> tuple[dict[str, str], bool]:
    """The rate-limit headers without counting a request (a 304 to an authenticated request is free)."""
    now = int(time.time())
    window = now - now % WINDOW
    with _lock:
        used = _usage(world).get((mode, window), 0)
    limit = LIMITS[mode]
    return _headers(limit, used, window), used >= limit


def _headers(limit: int, used: int, window: int) -> dict[str, str]:
    return {"x-ratelimit-limit": str(limit), "x-ratelimit-remaining": str(max(0, limit - used)),
            "x-ratelimit-reset": str(window + WINDOW), "x-ratelimit-used": str(used),
            "x-ratelimit-resource": "core", "x-github-media-type": "github.v3; format=json",
            "x-github-api-version-selected": "2022-11-28"}


def _auth_mode(req: SandboxRequest) -> str | None:
    """"token", "anonymous", or None for a wrong credential."""
    header = req.headers.get("authorization")
    if header is None:
        return "anonymous"
    scheme, _, value = header.partition(" ")
    if scheme.lower() in ("bearer", "token") and value.strip() == credentials.GITHUB_TOKEN:
        return "token"
    return None


def _user(req: SandboxRequest, u: dict[str, Any]) -> dict[str, Any]:
    login = u["login"]
    api = f"{req.base_url}/users/{login}"
    return {
        "login": login, "id": u.get("id"), "node_id": f"U_sandbox{u.get('id')}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{u.get('id')}?v=4", "gravatar_id": "",
        "url": api, "html_url": f"https://github.com/{login}", "followers_url": f"{api}/followers",
        "repos_url": f"{api}/repos", "type": "User", "user_view_type": "public", "site_admin": False,
        "name": u.get("name"), "company": u.get("company"), "blog": u.get("blog") or "",
        "location": u.get("location"), "email": u.get("email"), "hireable": None, "bio": u.get("bio"),
        "twitter_username": None, "public_repos": u.get("public_repos", 0), "public_gists": 0,
        "followers": 0, "following": 0, "created_at": u.get("created_at"), "updated_at": u.get("updated_at"),
    }


def _by_lower_login(accounts: dict[str, Any]) -> dict[str, Any]:
    """Logins are case-insensitive on GitHub; of two spellings of one login the later one wins."""
    return {k.lower(): v for k, v in accounts.items()}


def etag_of(body: dict[str, Any]) -> str:
    """The validator of a served profile: a hash of exactly the JSON sent."""
    data = json.dumps(body, ensure_ascii=False).encode()
    return f'W/"{hashlib.sha256(data).hexdigest()}"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    """``If-None-Match`` holds ``*`` or a list of tags; weak comparison (GitHub's tags are weak)."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def _found(req: SandboxRequest) -> dict[str, Any] | None:
    parts = req.path.strip("/").split("/")
    if req.method not in ("GET", "HEAD") or len(parts) != 2 or parts[0] != "users":
        return None
    accounts = req.world.data.get("github") or {}
    users = req.world.index("github.by_lower_login", accounts, lambda: _by_lower_login(accounts))
    if users is None:  # a malformed world: fail as the plain lookup fails
        users = _by_lower_login(accounts)
    u = users.get(parts[1].lower())
    return None if u is None else _user(req, {"login": parts[1], **u})


def handle(req: SandboxRequest) -> SandboxResponse:
    mode = _auth_mode(req)
    if mode is None:
        return json_response({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest",
                              "status": "401"}, 401)
    user = _found(req)
    etag = etag_of(user) if user is not None else None
    if etag is not None and mode == "token" and _matches(req.headers.get("if-none-match"), etag):
        headers, _ = _peek(req.world, mode)
        return SandboxResponse(304, b"", {**headers, "ETag": etag}, "application/json")
    headers, spent = _spend(req.world, mode)
    if spent:
        return json_response({"message": "API rate limit exceeded. (Authenticated requests get a higher rate "
                              "limit.)", "documentation_url": "https://docs.github.com/rest/overview/"
                              "rate-limits-for-the-rest-api"}, 403, headers)
    if user is not None and etag is not None:
        if _matches(req.headers.get("if-none-match"), etag):  # anonymous: counted, still a 304
            return SandboxResponse(304, b"", {**headers, "ETag": etag}, "application/json")
        return json_response(user, 200, {**headers, "ETag": etag})
    return json_response({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/users/users"
                          "#get-a-user", "status": "404"}, 404, headers)
