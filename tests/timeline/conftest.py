from tests.warehouse.wh_fixtures import pg_session, warehouse, warehouse_spec  # noqa: F401
