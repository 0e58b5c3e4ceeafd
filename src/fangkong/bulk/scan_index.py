"""The venue-scan log organised for tracing: one partition a day, kept as scans arrive, each sorted twice.

Finding the close contacts of a thousand infections must not read a hundred million scans. Each day's scans are
written once, when the day's log arrives, as two sorted copies in memory-mappable numpy files:

- by venue and time: a 64-bit key `venue_id << 32 | (at_s - EPOCH0)`, so "who scanned venue v between t0 and t1"
  is two binary searches and a slice;
- by person: "where was this infected person" is two binary searches.

A query touches a few pages of each partition per infection; nothing is scanned whole and nothing is loaded
into Python objects. The answers are those of `contacts.contacts_sql` (and so of the per-person rule): tests
check all three agree. Adding a day costs two sorts of that day's scans (reported by the benchmark as the
ingest cost); earlier partitions are never rewritten.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from fangkong.errors import InvalidInput

from .contacts import ContactRules
from .timebase import DAY_S

EPOCH0 = 1_577_836_800  # 2020-01-01T00:00:00Z: keys count seconds from here
SPAN = 1 << 32  # seconds after EPOCH0 a key can hold (136 years)
Array = np.ndarray[Any, Any]


def _key(venue: Array, at_s: Array) -> Array:
    return (venue.astype(np.int64) << 32) | (at_s.astype(np.int64) - EPOCH0)


def _spans(lo: Array, counts: Array) -> Array:
    """The positions lo[i] .. lo[i]+counts[i]-1 of every i, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(lo.astype(np.int64) - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    out: Array = starts + np.arange(total, dtype=np.int64)
    return out


@dataclass
class Partition:
    """One day's scans, sorted by venue key and by person (memory-mapped)."""

    name: str
    first_s: int
    last_s: int
    key: Array  # int64, sorted
    key_person: Array  # int32, person of each key
    person: Array  # int32, sorted
    person_venue: Array  # int32
    person_at: Array  # int64

    @classmethod
    def load(cls, folder: Path) -> Partition:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))

        def arr(name: str) -> Array:
            loaded: Array = np.load(folder / f"{name}.npy", mmap_mode="r")
            return loaded

        return cls(
            name=folder.name,
            first_s=int(meta["first_s"]),
            last_s=int(meta["last_s"]),
            key=arr("key"),
            key_person=arr("key_person"),
            person=arr("person"),
            person_venue=arr("person_venue"),
            person_at=arr("person_at"),
        )


class ScanIndex:
    """The organised log in `folder`: `add_day` as each day's scans arrive, `contacts` to query."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.partitions = [Partition.load(p) for p in sorted(folder.iterdir()) if (p / "meta.json").exists()]

    @property
    def scans(self) -> int:
        return sum(len(p.key) for p in self.partitions)

    def add_day(self, log: Path) -> int:
        """Organise one arrived file of scans (`person_id, venue_id, at_s`) as a partition named after it; the
        same file again replaces its partition (idempotent). Returns the rows organised."""
        table = pq.read_table(log, columns=["person_id", "venue_id", "at_s"])
        person = table.column("person_id").to_numpy()
        venue = table.column("venue_id").to_numpy()
        at = table.column("at_s").to_numpy()
        if len(at) and (int(at.min()) < EPOCH0 or int(at.max()) - EPOCH0 >= SPAN):
            raise InvalidInput("at_s", f"{log.name}: scans before 2020 or after 2156 cannot be indexed")
        if len(venue) and int(venue.min()) < 0:
            raise InvalidInput("venue_id", f"{log.name}: negative venue id")
        name = log.stem
        target = self.folder / name
        staging = self.folder / f".{name}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        key = _key(venue, at)
        by_key = np.argsort(key, kind="stable")
        np.save(staging / "key.npy", key[by_key])
        np.save(staging / "key_person.npy", person[by_key].astype(np.int32))
        del key, by_key
        by_person = np.argsort(person, kind="stable")
        np.save(staging / "person.npy", person[by_person].astype(np.int32))
        np.save(staging / "person_venue.npy", venue[by_person].astype(np.int32))
        np.save(staging / "person_at.npy", at[by_person].astype(np.int64))
        first, last = (int(at.min()), int(at.max())) if len(at) else (0, -1)
        (staging / "meta.json").write_text(json.dumps({"first_s": first, "last_s": last, "rows": len(at)}))
        # the partition appears whole or not at all: a crash while sorting leaves only the staging folder
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        self.partitions = [p for p in self.partitions if p.name != name] + [Partition.load(target)]
        self.partitions.sort(key=lambda p: p.name)
        return len(at)

    def contacts(self, cases: pa.Table, rules: ContactRules) -> pa.Table:
        """The rows of `contacts.contacts_sql` for `cases(case_id, sampled_day, onset_day, isolated_s)`."""
        case_id = cases.column("case_id").to_numpy().astype(np.int64)
        sampled = cases.column("sampled_day").to_numpy(zero_copy_only=False)
        onset = cases.column("onset_day")
        anchor = np.where(onset.is_null().to_numpy(zero_copy_only=False), sampled, onset.fill_null(0).to_numpy())
        from_day = anchor.astype(np.int64) - rules.look_back_days
        isolated = cases.column("isolated_s").fill_null(np.iinfo(np.int64).max).to_numpy().astype(np.int64)
        order = np.argsort(case_id, kind="stable")  # searchsorted needs sorted needles only for speed; keep ids
        case_id, from_day, isolated = case_id[order], from_day[order], isolated[order]

        # 1. where each infected person was inside their window
        v_case: list[Array] = []
        v_venue: list[Array] = []
        v_at: list[Array] = []
        needles = case_id.astype(np.int32)  # the haystack's type: a mixed search would copy the whole partition
        for part in self.partitions:
            lo = np.searchsorted(part.person, needles, "left")
            hi = np.searchsorted(part.person, needles, "right")
            counts = hi - lo
            idx = _spans(lo, counts)
            which = np.repeat(np.arange(len(case_id)), counts)
            at = np.asarray(part.person_at[idx])
            ok = ((at + rules.offset_s) // DAY_S >= from_day[which]) & (at <= isolated[which])
            v_case.append(which[ok])
            v_venue.append(np.asarray(part.person_venue[idx])[ok])
            v_at.append(at[ok])
        visit_case = np.concatenate(v_case) if v_case else np.zeros(0, np.int64)
        visit_venue = np.concatenate(v_venue) if v_venue else np.zeros(0, np.int32)
        visit_at = np.concatenate(v_at) if v_at else np.zeros(0, np.int64)

        # 2. everyone at those venues within the co-presence gap, in any partition the gap reaches
        gap = rules.co_presence_s
        c_case: list[Array] = []
        c_person: list[Array] = []
        c_at: list[Array] = []
        for part in self.partitions:
            near = (visit_at + gap >= part.first_s) & (visit_at - gap <= part.last_s)
            if not near.any():
                continue
            venue, at, who = visit_venue[near], visit_at[near], visit_case[near]
            lo = np.searchsorted(part.key, _key(venue, np.maximum(at - gap, EPOCH0)), "left")
            hi = np.searchsorted(part.key, _key(venue, at + gap), "right")
            counts = hi - lo
            idx = _spans(lo, counts)
            which = np.repeat(who, counts)
            person = np.asarray(part.key_person[idx]).astype(np.int64)
            ok = person != case_id[which]
            c_case.append(which[ok])
            c_person.append(person[ok])
            c_at.append((np.asarray(part.key[idx])[ok] & (SPAN - 1)) + EPOCH0)
        if not c_case:
            return _rows(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), rules)
        which = np.concatenate(c_case)
        person = np.concatenate(c_person)
        at = np.concatenate(c_at)

        # 3. one row per (infection, person): the latest shared scan
        group = (which << 32) | person
        by = np.lexsort((at, group))
        group, at = group[by], at[by]
        last = np.ones(len(group), dtype=bool)
        last[:-1] = group[1:] != group[:-1]
        group, at = group[last], at[last]
        return _rows(case_id[group >> 32], group & 0xFFFFFFFF, at, rules)


def _rows(case_id: Array, person: Array, last_s: Array, rules: ContactRules) -> pa.Table:
    return pa.table(
        {
            "case_id": case_id.astype(np.int64),
            "person_id": person.astype(np.int64),
            "last_s": last_s.astype(np.int64),
            "last_day": ((last_s + rules.offset_s) // DAY_S).astype(np.int64),
        }
    )
