"""``Warehouse.rows``: a query's rows streamed a batch at a time, on both engines (a server-side cursor
on PostgreSQL), inside a transaction or outside, and an error named as the warehouse names it."""

from __future__ import annotations

import pytest

from include.warehouse.base import WarehouseError
from tests.warehouse.wh_fixtures import pg_session, warehouse, warehouse_spec  # noqa: F401


def test_rows_come_in_order_a_batch_at_a_time(warehouse):  # noqa: F811
    warehouse.execute("CREATE TABLE streamed (n INTEGER, label TEXT)")
    warehouse.bulk_insert("streamed", ["n", "label"], [(n, f"row {n}") for n in range(2_345)])
    got = list(warehouse.rows("SELECT n, label FROM streamed WHERE n >= ? ORDER BY n", [5], size=100))
    assert got == [(n, f"row {n}") for n in range(5, 2_345)]
    with warehouse.transaction():
        assert sum(1 for _ in warehouse.rows("SELECT n FROM streamed", size=1_000)) == 2_345
        warehouse.execute("DELETE FROM streamed WHERE n < 10")  # the connection is free again after it
    assert next(warehouse.rows("SELECT count(*) FROM streamed")) == (2_335,)
    with pytest.raises(WarehouseError, match="no_such_table"):
        list(warehouse.rows("SELECT * FROM no_such_table"))
