"""One function per finding kind; each takes a ``Context`` and returns its findings."""
