"""Fan-out stays bounded: big runs get bigger chunks, never more mapped task instances than Airflow allows."""

from __future__ import annotations

import pytest
from airflow.configuration import conf

from include.pipeline.runs import MAX_CHUNKS, chunks


@pytest.mark.parametrize("n", [0, 1, 31, 32, 33, 1000, 4096, 4097, 10_000, 100_000, 1_000_003])
def test_chunks_cover_every_item_once_in_order_and_stay_under_the_cap(n):
    items = list(range(n))
    parts = chunks(items, 32)
    assert [i for p in parts for i in p] == items
    assert len(parts) <= MAX_CHUNKS
    assert all(parts) and all(len(p) >= 32 for p in parts[:-1])
    if n <= 32 * MAX_CHUNKS:  # small runs keep the configured size
        assert all(len(p) == 32 for p in parts[:-1])
    else:  # big ones get chunks of ceil(n / MAX_CHUNKS), only the last one shorter
        size = -(-n // MAX_CHUNKS)
        assert all(len(p) == size for p in parts[:-1]) and 0 < len(parts[-1]) <= size


def test_cap_is_below_airflows_max_map_length():
    assert MAX_CHUNKS <= conf.getint("core", "max_map_length")
