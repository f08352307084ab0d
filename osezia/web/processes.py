"""The application of one of `osezia serve --workers N`'s processes.

uvicorn's supervisor starts each process afresh and builds its application from this factory:
the settings come from the environment, where the parent put the database's address (the
embedded PostgreSQL's too) and the directory where prometheus-client's multiprocess mode keeps
the counts of every process.

`osezia serve` with one process imports create_app from here too: authlib's warning is silenced
in one place.
"""

from __future__ import annotations

import warnings

from starlette.applications import Starlette

from osezia.store.settings import load_settings

__all__ = ["app_from_environment", "create_app"]

with warnings.catch_warnings():
    # authlib 1.9 warns, on import, that it prefers the httpx2 fork; httpx works (pyproject
    # silences it in the tests the same way). Its module of warnings puts an "always" filter
    # first when imported: imported before, ours goes in front of it.
    import authlib.deprecate  # noqa: F401

    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from osezia.web.app import create_app


def app_from_environment() -> Starlette:
    settings = load_settings()
    url = settings.database_url
    if url is None:  # the parent sets it before it starts any process
        raise RuntimeError("DATABASE_URL is not set for this API process")
    return create_app(settings, url)
