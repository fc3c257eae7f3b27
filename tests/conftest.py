import pytest

from app import create_app

# Short links' databases: SQLite files and a throwaway PostgreSQL (tests/linkdb.py).
pytest_plugins = ["tests.linkdb"]


@pytest.fixture
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()
