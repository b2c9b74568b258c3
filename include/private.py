"""One permission policy for every process that writes candidate data: the CLI, Airflow tasks run by a
scheduler, a Celery worker or ``crosscheck run``, and the HR page's server (scripts/ui.sh sets the same
umask). Files are readable by their owner only (0600), folders enterable by their owner only (0700).

The umask covers whatever a library writes for us (GX's results, DuckDB's files, the report); the
helpers below set the modes explicitly as well, so a file or folder made before the umask was set, or
by a process that set another, is tightened when it is written again.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700


def private_umask() -> None:
    """Make every file this process creates from now on owner-only (idempotent, process-wide)."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: str | Path, base: str | Path | None = None) -> Path:
    """``mkdir -p`` with mode 0700. The folders it makes are 0700, and so is ``path`` even when it
    existed; with ``base``, every existing folder below ``base`` down to ``path`` is tightened too
    (folders of the caller's own, never ones owned by someone else)."""
    p = Path(path)
    made = []
    d = p
    while not d.exists() and d != d.parent:
        made.append(d)
        d = d.parent
    p.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    tighten = set(made) | {p}
    if base is not None and p.is_relative_to(base):
        tighten |= {q for q in [p, *p.parents] if q.is_relative_to(base) and q != Path(base)}
    uid = os.getuid()
    for d in tighten:
        st = d.lstat()
        if st.st_uid == uid and not d.is_symlink() and st.st_mode & 0o777 != DIR_MODE:
            d.chmod(DIR_MODE)
    return p


def open_private(path: str | Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_TRUNC) -> int:
    """A file descriptor on ``path`` with mode 0600 (also when the file existed), never through a
    symbolic link at ``path`` itself: ``OSError`` (ELOOP) if it is one."""
    fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_private_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically (a temporary file in the same folder, then a
    rename), mode 0600: a reader, or a run killed mid-write, never sees half a file."""
    p = Path(path)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    fd = open_private(tmp)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fd = -1
            fh.write(text)
        os.replace(tmp, p)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    return p
