"""`bulk.keyed`: a set of keys as statements filter on them — IN lists when few, a staged scratch table when
many — selects exactly the rows with those keys, either way, on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Integer, column, select, table, text

from fangkong.services.file_imports import bulk
from fangkong.services.store import CHUNK, make_engine, session_factory
from tests.stores import BACKENDS, Templates


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("how", ["in_lists", "staged"])
def test_keyed_selects_exactly_the_keys(
    backend: str, how: str, store_templates: Templates, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(bulk, "STAGE_KEYS_ABOVE", 0 if how == "staged" else 10**9)
    with store_templates.store(backend, "migrated", tmp_path) as url:
        engine = make_engine(url)
        with session_factory(engine)() as session:
            session.execute(text("CREATE TEMPORARY TABLE numbers (n INTEGER PRIMARY KEY)"))
            session.execute(text("INSERT INTO numbers (n) VALUES (:n)"), [{"n": n} for n in range(5000)])
            numbers = table("numbers", column("n", Integer))
            wanted = [*range(0, 7000, 3), 9, 9, 12]  # some absent, some twice
            found: list[int] = []
            with bulk.keyed(session, wanted, "numbers_wanted") as where:
                conditions = where(numbers.c.n)
                assert len(conditions) == (1 if how == "staged" else -(-len(set(wanted)) // CHUNK))
                for condition in conditions:
                    found += session.scalars(select(numbers.c.n).where(condition))
            assert sorted(found) == list(range(0, 5000, 3))
            # the scratch table is gone with the block: the same name can be staged again
            with bulk.keyed(session, [1, 2], "numbers_wanted") as where:
                assert sorted(n for c in where(numbers.c.n) for n in session.scalars(select(numbers.c.n).where(c))) == [
                    1,
                    2,
                ]
        engine.dispose()
