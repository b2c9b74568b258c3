"""GitHub REST API in the sandbox: ``GET /users/{login}`` with GitHub's rate-limit headers.

A token is optional, as on github.com, but a wrong one is refused (401 "Bad credentials").
The hourly quota (60 without a token, 5000 with one) is counted per world and per mode; once
spent, the answer is 403 with ``x-ratelimit-remaining: 0`` and the reset time, as GitHub does.
"""

from __future__ import annotations

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
    limit = LIMITS[mode]
    return {"x-ratelimit-limit": str(limit), "x-ratelimit-remaining": str(max(0, limit - used)),
            "x-ratelimit-reset": str(window + WINDOW), "x-ratelimit-used": str(used),
            "x-ratelimit-resource": "core", "x-github-media-type": "github.v3; format=json",
            "x-github-api-version-selected": "2022-11-28"}, spent


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


def handle(req: SandboxRequest) -> SandboxResponse:
    mode = _auth_mode(req)
    if mode is None:
        return json_response({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest",
                              "status": "401"}, 401)
    headers, spent = _spend(req.world, mode)
    if spent:
        return json_response({"message": "API rate limit exceeded. (Authenticated requests get a higher rate "
                              "limit.)", "documentation_url": "https://docs.github.com/rest/overview/"
                              "rate-limits-for-the-rest-api"}, 403, headers)
    parts = req.path.strip("/").split("/")
    if req.method in ("GET", "HEAD") and len(parts) == 2 and parts[0] == "users":
        accounts = req.world.data.get("github") or {}
        users = req.world.index("github.by_lower_login", accounts, lambda: _by_lower_login(accounts))
        if users is None:  # a malformed world: fail as the plain lookup fails
            users = _by_lower_login(accounts)
        u = users.get(parts[1].lower())
        if u is not None:
            return json_response(_user(req, {"login": parts[1], **u}), 200, headers)
    return json_response({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/users/users"
                          "#get-a-user", "status": "404"}, 404, headers)
