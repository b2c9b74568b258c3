from tests.warehouse.wh_fixtures import pg_session, warehouse_spec  # noqa: F401
