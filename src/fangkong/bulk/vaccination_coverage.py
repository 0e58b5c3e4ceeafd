"""Vaccination coverage and the outreach list of the elderly for a whole province at once (measure 12: "accelerate the
increase of the vaccination rate, especially of the elderly", m20.12; issue 19: "coverage by community × age band and
the outreach lists for 20 M residents with 45 M dose records").

The same figures as `rules.vaccination.vaccination_status`, `age_band` and `outreach` person by person (held equal by
tests/bulk/test_vaccination_coverage.py), computed by numpy over the tables' Arrow columns with the policy of the day
bound in: the products' platform, primary doses, least days between doses and booster-only flag
(`vaccination.products`), the booster interval for the elderly and the others (`vaccination.booster.*`, shortened for
people aged 60 and over on 29 Nov 2022, elderly-vax.booster_interval), the booster age and the age bands
(`vaccination.coverage.age_bands`).

How: each person's doses lie together in date order (`doses` sorted by person_id, given_on; sorted here if not), so
the k-th dose of every person is one gather; the rule's walk over a person's doses becomes a few passes (k = 0, 1, …)
of whole-column arithmetic over all persons at once. Date arithmetic ("N months after", "aged 60 on that day") is read
from small tables indexed by day, built once per run by numpy's calendar and held to the rule's own `add_months` and
`age_on` on every day of a century by the tests, so the bulk and the rule do not differ on month ends or 29 February.
Persons are cut in chunks that the cores compute at once (numpy releases the GIL).

Tables: `residents(person_id, community_id, birth_date)` and `doses(person_id, product, dose_number, given_on)`,
as Arrow IPC files (`residents.arrow`, `doses.arrow`: memory-mapped, nothing decoded) or Parquet. Output:
coverage rows (community_id, band_from, band_to, persons, any_dose, full_course, boosted; a band with nobody left out)
and the outreach list (person_id, community_id, age, status, booster_due_from, moved_up_by) in the rule's order.

Two optional tables make the list the one the store's `outreach_list` gives: `asked(person_id, outcome, asked_on,
later_on)`, what came of asking (a contraindication, a refusal within `vaccination.outreach.refusal_quiet_days`, a
later date agreed not yet come leave a person off, `rules.vaccination.outreach`), and `key_people(person_id, kind)`,
one row per kind of an open key-population entry (measure 14): within an age band, a kind of
`vaccination.outreach.priority_kinds` moves an elder up (`rules.vaccination.outreach_priority`).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt
from fangkong.policy.terms import KeyPopulationKind, OutreachOutcome, VaccinationStatus
from fangkong.rules.vaccination import products

from .timebase import epoch_day

# The tables `bulk run vaccination_coverage` registers by name: none — it reads them itself (`read_table`).
TABLES: tuple[str, ...] = ()
PARAMETERS = (
    "vaccination.products",
    "vaccination.booster.age_at_least",
    "vaccination.booster.elderly_age_at_least",
    "vaccination.booster.months_after_course.elderly",
    "vaccination.booster.months_after_course.others",
    "vaccination.coverage.age_bands",
    "vaccination.outreach.refusal_quiet_days",
    "vaccination.outreach.priority_kinds",
)
# The statuses in the order of their codes in the pass (0 unvaccinated … 3 boosted).
STATUSES = tuple(
    s.value
    for s in (
        VaccinationStatus.unvaccinated,
        VaccinationStatus.partial,
        VaccinationStatus.full_course,
        VaccinationStatus.boosted,
    )
)
NONE = np.iinfo(np.int32).max  # no day (no dose counted, not completed, not boosted)
CHUNK = 1 << 19  # persons a thread computes at a time


def cites(rules: PolicyAt) -> tuple[str, ...]:
    """The clauses of the parameters the job used (m20.12, elderly-vax.booster_interval from 29 Nov 2022)."""
    found = (rules.find(p) for p in PARAMETERS)
    return tuple(dict.fromkeys(f.source.clause for f in found if f is not None and f.value is not None))


@dataclass(frozen=True)
class Parameters:
    """The values of `vaccination.*` in force on the day asked (m20.12), as the pass reads them."""

    codes: tuple[str, ...]
    platform: np.ndarray  # per product: platform number
    primary: np.ndarray  # doses of the primary course
    min_days: np.ndarray  # least days between two doses of the course
    booster_only: np.ndarray
    booster_age: int
    elderly_age: int
    months_elderly: int
    months_others: int
    bands: tuple[int, ...]
    quiet_days: int  # after a refusal, days off the list
    priority_kinds: tuple[str, ...]  # registry kinds that move an elder up, in order

    @classmethod
    def of(cls, rules: PolicyAt) -> Parameters:
        found = products(rules).value
        platforms = sorted({p.platform.value for p in found})
        return cls(
            codes=tuple(p.code for p in found),
            platform=np.array([platforms.index(p.platform.value) for p in found], dtype=np.int8),
            primary=np.array([p.primary_doses for p in found], dtype=np.int8),
            min_days=np.array([p.min_days_between_doses for p in found], dtype=np.int32),
            booster_only=np.array([p.booster_only for p in found], dtype=bool),
            booster_age=int(rules.integer("vaccination.booster.age_at_least").value or 0),
            elderly_age=int(rules.integer("vaccination.booster.elderly_age_at_least").value or 0),
            months_elderly=int(rules.integer("vaccination.booster.months_after_course.elderly").value or 0),
            months_others=int(rules.integer("vaccination.booster.months_after_course.others").value or 0),
            bands=tuple(rules.get("vaccination.coverage.age_bands").value or ()),
            quiet_days=int(rules.integer("vaccination.outreach.refusal_quiet_days").value or 0),
            priority_kinds=tuple(str(k) for k in (rules.get("vaccination.outreach.priority_kinds").value or ())),
        )


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of the month of epoch days (numpy's calendar: the proleptic Gregorian, as `date`'s)."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    years = d.astype("datetime64[Y]")
    return (
        years.astype(np.int64) + 1970,
        (months - years.astype("datetime64[M]")).astype(np.int64) + 1,
        (d - months.astype("datetime64[D]")).astype(np.int64) + 1,
    )


def _ages_on(first: int, last: int, on: date) -> np.ndarray:
    """`age_on(birth, on)` for every birth day from `first` to `last` (epoch days)."""
    y, m, d = _ymd(np.arange(first, last + 1, dtype=np.int64))
    ages: np.ndarray = (on.year - y - ((on.month * 100 + on.day) < (m * 100 + d))).astype(np.int16)
    return ages


def _first_days_aged(first: int, last: int, years: int) -> np.ndarray:
    """For every birth day from `first` to `last`, the first day on which `age_on(birth, day) >= years`: the
    birthday `years` later, or 1 March for 29 February in a common year (month start + day - 1 rolls over so)."""
    y, m, d = _ymd(np.arange(first, last + 1, dtype=np.int64))
    month_start = ((y + years - 1970) * 12 + m - 1).astype("datetime64[M]").astype("datetime64[D]")
    found: np.ndarray = (month_start.astype(np.int64) + d - 1).astype(np.int32)
    return found


def _plus_months(first: int, last: int, months: int) -> np.ndarray:
    """`add_months(day, months)` for every day from `first` to `last` (epoch days): the same day of the month, or the
    month's last day when it is shorter."""
    days = np.arange(first, last + 1, dtype=np.int64)
    _, _, d = _ymd(days)
    month = days.astype("datetime64[D]").astype("datetime64[M]") + months
    start = month.astype("datetime64[D]").astype(np.int64)
    length = (month + 1).astype("datetime64[D]").astype(np.int64) - start
    found: np.ndarray = (start + np.minimum(d, length) - 1).astype(np.int32)
    return found


def _days(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A date32 (or integer days) column as int32 epoch days, without copying when it can."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if pa.types.is_date32(column.type):
        column = column.view(pa.int32())
    return np.asarray(column.cast(pa.int32()).to_numpy(zero_copy_only=False))


def _ints(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return np.asarray(column.to_numpy(zero_copy_only=False))


def _product_index(column: pa.ChunkedArray | pa.Array, codes: tuple[str, ...]) -> np.ndarray:
    """The doses' products as indices into the products in force; InvalidInput naming `product` for another."""
    if isinstance(column, pa.ChunkedArray):
        column = column.unify_dictionaries() if pa.types.is_dictionary(column.type) else column
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    words = column.dictionary.to_pylist()
    indices = np.asarray(column.indices.to_numpy(zero_copy_only=False))
    # the doses are scanned only when the dictionary names something else (a word may be there unused)
    strange = [i for i, w in enumerate(words) if w not in codes]
    used = set(np.unique(indices).tolist()) if strange and len(indices) else set()
    unknown = [words[i] for i in strange if i in used]
    if unknown:
        raise InvalidInput("product", f"{unknown[0]!r} is not a vaccine product ({', '.join(codes)})")
    remap = np.array([codes.index(w) if w in codes else 0 for w in words] or [0], dtype=np.int8)
    if np.array_equal(remap, np.arange(len(remap))) and indices.dtype == np.int8:
        return indices  # the dictionary is the products' own order (a generated province): read where it lies
    return np.asarray(remap[indices])


@dataclass(frozen=True)
class CoverageRun:
    """The job's two answers (measure 12): coverage by community and age band, and the outreach list."""

    coverage: pa.Table
    outreach: pa.Table


def coverage_pass(
    residents: pa.Table,
    doses: pa.Table,
    rules: PolicyAt,
    on: date,
    *,
    asked: pa.Table | None = None,
    key_people: pa.Table | None = None,
) -> CoverageRun:
    """Coverage by community × age band and the outreach list of the elderly on `on` (m20.12), each person's status
    as `rules.vaccination.vaccination_status` gives it. Doses of persons not among the residents are not counted; so
    are outcomes and registry kinds of persons not among them.

    Raises InvalidInput naming `product` for a product not in force and `given_on` for a dose before the birth date
    (as the rule does), `person_id` for a resident listed twice, `outcome` for an outcome not known and `kind` for a
    key-population kind not known."""
    p = Parameters.of(rules)
    today = epoch_day(on)
    person = _ints(residents.column("person_id")).astype(np.int64, copy=False)
    community = _ints(residents.column("community_id")).astype(np.int64, copy=False)
    birth = _days(residents.column("birth_date"))
    n = len(person)
    # the residents in person order (a generated province is already)
    if n > 1 and not bool(np.all(person[1:] > person[:-1])):
        order = np.argsort(person, kind="stable")
        person, community, birth = person[order], community[order], birth[order]
        if bool(np.any(person[1:] == person[:-1])):
            raise InvalidInput("person_id", "a resident is listed twice")
    dose_person = _ints(doses.column("person_id")).astype(np.int64, copy=False)
    day = _days(doses.column("given_on"))
    product = _product_index(doses.column("product"), p.codes)
    m = len(day)
    # each person's doses together, in date order; a stable sort keeps the order given for doses on one day, as the
    # rule's sort does. A generated province (residents numbered without gaps, doses in order) is counted in place,
    # the doses cut at persons' boundaries and counted on both cores; anything else is sorted and searched.
    dense = n > 0 and int(person[-1] - person[0]) == n - 1
    counts = _dense_counts(dose_person, day, int(person[0]), n) if dense and m else None
    if counts is None:
        if m > 1:
            same = dose_person[1:] == dose_person[:-1]
            ordered = bool(np.all(dose_person[1:] >= dose_person[:-1])) and bool(np.all(~same | (day[1:] >= day[:-1])))
            if not ordered:
                order = np.lexsort((day, dose_person))
                dose_person, day, product = dose_person[order], day[order], product[order]
        owner = np.searchsorted(person, dose_person)
        known = (owner < n) & (person[np.minimum(owner, max(n - 1, 0))] == dose_person)
        if m and not bool(known.all()):
            owner, day, product = owner[known], day[known], product[known]
            m = len(day)
        counts = np.bincount(owner, minlength=n).astype(np.int64) if m else np.zeros(n, dtype=np.int64)
    if m == 0:  # nobody vaccinated: one dose no one has, so that the gathers below have something to read
        day, product = np.array([NONE], dtype=np.int32), np.zeros(1, dtype=np.int8)
    starts = (np.cumsum(counts) - counts).astype(np.int64 if m >= 1 << 31 else np.int32)
    # the day tables: ages on the day asked, the first day of the elderly age, the booster age's day (by birth day);
    # N months after a full course (by dose day)
    b0, b1 = (int(birth.min()), int(birth.max())) if n else (0, 0)
    d0, d1 = (int(day.min()), int(day.max())) if m else (today, today)
    age_table = _ages_on(b0, b1, on)
    elderly_from = _first_days_aged(b0, b1, p.elderly_age)
    booster_age_from = _plus_months(b0, b1, 12 * p.booster_age)
    plus_elderly = _plus_months(d0, d1, p.months_elderly)
    plus_others = _plus_months(d0, d1, p.months_others)
    bands = np.array(p.bands or (0,), dtype=np.int16)
    band_table = (np.searchsorted(bands, age_table, side="right") - 1).astype(np.int8)  # -1: under the first band
    age = age_table[birth - b0] if n else np.zeros(0, dtype=np.int16)
    band = band_table[birth - b0] if n else np.zeros(0, dtype=np.int8)
    status = np.empty(n, dtype=np.int8)
    due_from = np.empty(n, dtype=np.int32)  # NONE but for the elderly with the full course (all the list reads)

    last_dose = max(m - 1, 0)
    longest = int(p.primary.max()) if len(p.primary) else 1

    def walk(st: np.ndarray, cnt: np.ndarray, eld: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rule's walk over the doses of the persons given (their first dose's index, their doses, the first day
        of their elderly age), one dose rank at a time over all of them: whether a course started, the day it was
        completed and the day of the booster (NONE: not)."""
        k_n = len(st)
        course_platform = np.full(k_n, -1, dtype=np.int8)
        course_primary = np.zeros(k_n, dtype=np.int8)
        course_gap = np.zeros(k_n, dtype=np.int32)
        counted = np.zeros(k_n, dtype=np.int8)
        last = np.full(k_n, NONE, dtype=np.int32)
        full = np.full(k_n, NONE, dtype=np.int32)
        full_eld = np.full(k_n, NONE, dtype=np.int32)  # the day a booster may count from, for the elderly
        full_oth = np.full(k_n, NONE, dtype=np.int32)  # and for the others
        boosted = np.full(k_n, NONE, dtype=np.int32)
        for k in range(int(cnt.max()) if k_n else 0):
            has = cnt > k
            at = np.minimum(st + k, last_dose)
            d = np.where(has, day[at], NONE)
            valid = d <= today  # a dose after the day asked is not given yet
            prod = product[at]
            plat = p.platform[prod]
            # the primary course: doses of the first counted dose's platform, each the product's least days apart
            before_full = full == NONE
            primary = valid & before_full & ~p.booster_only[prod]
            starting = primary & (course_platform < 0)
            course_platform = np.where(starting, plat, course_platform)
            course_primary = np.where(starting, p.primary[prod], course_primary)
            course_gap = np.where(starting, p.min_days[prod], course_gap)
            ok = primary & (plat == course_platform) & ((last == NONE) | (d - last >= course_gap))
            counted += ok
            last = np.where(ok, d, last)
            done = ok & (counted >= course_primary)
            full = np.where(done, d, full)
            at_full = np.where(done, d - d0, 0)
            full_eld = np.where(done, plus_elderly[at_full], full_eld)
            full_oth = np.where(done, plus_others[at_full], full_oth)
            # the booster: the first dose after the course at least the interval for the age on the dose's day
            after = valid & ~before_full & (boosted == NONE)
            boost = after & (d >= np.where(d >= eld, full_eld, full_oth))
            boosted = np.where(boost, d, boosted)
        return course_platform >= 0, full, boosted

    def chunk(lo: int) -> None:
        """The persons lo … lo + CHUNK: the common history by a few whole-column steps (a course of one platform at
        the least interval or more, then at most a booster that counts), the rest by `walk`."""
        hi = min(lo + CHUNK, n)
        st, cnt = starts[lo:hi], counts[lo:hi].astype(np.int32)
        at = st
        first_day = np.where(cnt > 0, day.take(at, mode="clip"), NONE)
        if bool(np.any(first_day < birth[lo:hi])):  # the earliest dose: before birth is refused
            early.append(lo + int(np.flatnonzero(first_day < birth[lo:hi])[0]))
        started = first_day <= today
        course = product.take(at, mode="clip").astype(np.intp)  # indexed four times: converted once
        other = started & p.booster_only[course]  # a booster-only product first: not the common history
        primary, gap, platform = p.primary[course], p.min_days[course], p.platform[course]
        # the second dose of every course of two or more, over the whole column
        at = st + 1
        d = np.where(cnt > 1, day.take(at, mode="clip"), NONE)
        counts_now = started & (primary > 1) & (d <= today)
        other |= counts_now & ((p.platform[product.take(at, mode="clip")] != platform) | (d - first_day < gap))
        # the third and later doses of the few longer courses (recombinant protein), over those persons only
        longer = np.flatnonzero(started & (primary > 2)) if longest > 2 else np.zeros(0, dtype=np.intp)
        previous = d[longer]
        for k in range(2, longest):
            at = st[longer] + k
            dk = np.where(cnt[longer] > k, day.take(at, mode="clip"), NONE)
            now = (primary[longer] > k) & (dk <= today)
            bad = now & (
                (p.platform[product.take(at, mode="clip")] != platform[longer]) | (dk - previous < gap[longer])
            )
            other[longer] |= bad
            previous = dk
        at = st + (primary - 1)
        d = np.where(started & (cnt >= primary), day.take(at, mode="clip"), NONE)
        full = np.where(d <= today, d, NONE)
        # the booster: the dose after the course, over the persons with one only
        after = np.flatnonzero((full != NONE) & (cnt > primary))
        d = day[st[after] + primary[after]]
        given = d <= today
        at_full = full[after] - d0
        since = np.where(d >= elderly_from[birth[lo + after] - b0], plus_elderly[at_full], plus_others[at_full])
        counted = given & (d >= since)
        other[after] |= given & ~counted  # a dose too soon for the booster: a later one may count
        boosted = np.full(hi - lo, NONE, dtype=np.int32)
        boosted[after[counted]] = d[counted]
        odd = np.flatnonzero(other)
        if len(odd):
            eld = elderly_from[birth[lo + odd] - b0]
            started[odd], full[odd], boosted[odd] = walk(st[odd], cnt[odd], eld)
        s = status[lo:hi]
        s[:] = np.where(~started, 0, np.where(full == NONE, 1, np.where(boosted == NONE, 2, 3)))
        # the day a booster is due from: the interval for the age on the day asked, not before the booster age —
        # read by the outreach list only, so reckoned for the elderly with the full course only
        due_from[lo:hi] = NONE
        wanted = np.flatnonzero((s == 2) & (age[lo:hi] >= p.elderly_age))
        at_full = full[wanted] - d0
        due = np.maximum(plus_elderly[at_full], booster_age_from[birth[lo + wanted] - b0])
        due_from[lo + wanted] = due

    early: list[int] = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(chunk, range(0, n, CHUNK)))
    if early:
        who = min(early)
        raise InvalidInput(
            "given_on",
            f"a dose on {date(1970, 1, 1) + timedelta(days=int(day[starts[who]]))} is before the birth date "
            f"{date(1970, 1, 1) + timedelta(days=int(birth[who]))}",
        )
    listed = np.flatnonzero((age >= p.elderly_age) & ((status < 2) | ((status == 2) & (due_from <= today))))
    if asked is not None and asked.num_rows:
        listed = listed[~_held_off(person, asked, listed, today, p.quiet_days)]
    kind_rank = _kind_ranks(person, key_people, listed, p.priority_kinds)
    return CoverageRun(
        coverage=_coverage_rows(community, band, status, p.bands),
        outreach=_outreach_rows(person, community, age, band, status, due_from, listed, kind_rank, p.priority_kinds),
    )


def _positions(person: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of `ids` stands among the residents (`person`, sorted), and whether it is one of them."""
    n = len(person)
    at = np.searchsorted(person, ids)
    found = (at < n) & (person[np.minimum(at, max(n - 1, 0))] == ids) if n else np.zeros(len(ids), dtype=bool)
    return at, found


def _strings(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[str]]:
    """A string column as codes into its distinct values (dictionary-encoded columns are read as they lie)."""
    encoded = pc.dictionary_encode(column).combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not pa.types.is_dictionary(encoded.type):
        encoded = pc.dictionary_encode(encoded)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return np.asarray(codes, dtype=np.int64), [str(v) for v in encoded.dictionary.to_pylist()]


def _held_off(person: np.ndarray, asked: pa.Table, listed: np.ndarray, today: int, quiet_days: int) -> np.ndarray:
    """Of the elders `listed` (indices of residents), those an outcome keeps off the list on `today`, as
    `rules.vaccination.outreach` reads the outcomes asked on or before the day: a contraindication ever, a refusal
    fewer than `quiet_days` days ago, a later date agreed that has not come."""
    codes, names = _strings(asked.column("outcome"))
    known = {o.value for o in OutreachOutcome}
    unknown = [v for v in names if v not in known]
    if unknown:
        raise InvalidInput("outcome", f"{unknown[0]!r} is not an outreach outcome ({', '.join(sorted(known))})")
    kind = np.array([names.index(o.value) if o.value in names else -1 for o in OutreachOutcome])
    asked_on = _days(asked.column("asked_on"))
    later = asked.column("later_on")
    later_on = _days(pc.fill_null(later, pa.scalar(0, later.type)) if later.null_count else later)
    has_later = ~np.asarray(later.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    contraindication, refusal, later_date = (codes == kind[i] for i in range(3))
    holds = (asked_on <= today) & (
        contraindication | (refusal & (today - asked_on < quiet_days)) | (later_date & has_later & (today < later_on))
    )
    at, found = _positions(person, _ints(asked.column("person_id")).astype(np.int64, copy=False))
    off = np.zeros(len(person), dtype=bool)
    off[at[found & holds]] = True
    held_off: np.ndarray = off[listed]
    return held_off


def _kind_ranks(
    person: np.ndarray, key_people: pa.Table | None, listed: np.ndarray, order: tuple[str, ...]
) -> np.ndarray:
    """For the elders `listed`, the place in `order` of the first priority kind they hold on the registry;
    len(order) for none (`rules.vaccination.outreach_priority`)."""
    rank = np.full(len(person), len(order), dtype=np.int16)
    if key_people is not None and key_people.num_rows:
        codes, names = _strings(key_people.column("kind"))
        known = {k.value for k in KeyPopulationKind}
        unknown = [v for v in names if v not in known]
        if unknown:
            raise InvalidInput("kind", f"{unknown[0]!r} is not a key-population kind")
        place = np.array([order.index(v) if v in order else len(order) for v in names], dtype=np.int16)
        at, found = _positions(person, _ints(key_people.column("person_id")).astype(np.int64, copy=False))
        np.minimum.at(rank, at[found], place[codes[found]])
    ranks: np.ndarray = rank[listed]
    return ranks


def _dense_counts(dose_person: np.ndarray, day: np.ndarray, first: int, n: int) -> np.ndarray | None:
    """The doses of each of the residents `first` … `first + n - 1` when the doses are in (person, day) order and all
    of them are of those residents; None otherwise (the caller sorts and searches). The doses are cut at persons'
    boundaries into one part per core, each part checked and counted on its own."""
    m = len(dose_person)
    if int(dose_person[0]) < first or int(dose_person[-1]) >= first + n:
        return None
    parts = max(1, min(os.cpu_count() or 1, m // 1_000_000))
    cuts = [0]
    for i in range(1, parts):
        # the first dose of the person at about i/parts of the doses (persons' doses are not split)
        cuts.append(int(np.searchsorted(dose_person, dose_person[i * m // parts], side="left")))
    cuts.append(m)
    counts = np.zeros(n, dtype=np.int64)

    def part(i: int) -> bool:
        lo, hi = cuts[i], cuts[i + 1]
        if hi <= lo:
            return True
        if lo and dose_person[lo - 1] >= dose_person[lo]:
            return False
        # in blocks that stay in the cache; a person's doses may straddle two blocks (added, one thread per part)
        for b in range(lo, hi, 1 << 18):
            e = min(b + (1 << 18) + 1, hi)  # one dose of overlap: the order across the blocks' seam
            who, when = dose_person[b:e], day[b:e]
            step = np.diff(who)
            if bool(np.any(step < 0)) or bool(np.any((step == 0) & (when[1:] < when[:-1]))):
                return False
            block = who[: min(1 << 18, e - b)]
            local = np.bincount((block - block[0]).astype(np.intp))
            base = int(block[0]) - first
            counts[base : base + len(local)] += local
        return True

    with ThreadPoolExecutor(max_workers=parts) as pool:
        ok = all(pool.map(part, range(parts)))
    return counts if ok else None


def _coverage_rows(community: np.ndarray, band: np.ndarray, status: np.ndarray, bands: tuple[int, ...]) -> pa.Table:
    """Persons, any dose, full course and boosted per community and band: one count of (community, band, status)."""
    inside = band >= 0
    nb = max(len(bands), 1)
    if community.size and int(community.min()) >= 0 and int(community.max()) < 1 << 24:
        ids, com = None, community
    else:
        ids, com = np.unique(community, return_inverse=True)
    key = (com.astype(np.int64) * nb + band) * 4 + status
    counted = np.bincount(key[inside], minlength=0).astype(np.int64)
    width = -(-len(counted) // (4 * nb)) * 4 * nb if len(counted) else 0
    counted = np.pad(counted, (0, width - len(counted))).reshape(-1, 4)  # rows: community × band; columns: status
    persons = counted.sum(axis=1)
    rows = np.flatnonzero(persons)
    com_of, band_of = rows // nb, rows % nb
    upper = np.array([*(b - 1 for b in bands[1:]), -1], dtype=np.int64)
    c = counted[rows]
    return pa.table(
        {
            "community_id": (ids[com_of] if ids is not None else com_of).astype(np.int64),
            "band_from": np.array(bands or (0,), dtype=np.int64)[band_of],
            "band_to": pa.array(upper[band_of], mask=upper[band_of] < 0),
            "persons": persons[rows],
            "any_dose": c[:, 1] + c[:, 2] + c[:, 3],
            "full_course": c[:, 2] + c[:, 3],
            "boosted": c[:, 3],
        }
    )


def _outreach_rows(
    person: np.ndarray,
    community: np.ndarray,
    age: np.ndarray,
    band: np.ndarray,
    status: np.ndarray,
    due_from: np.ndarray,
    listed: np.ndarray,
    kind_rank: np.ndarray,
    order: tuple[str, ...],
) -> pa.Table:
    """The elders `listed` in the rule's order (`outreach_priority`): older age bands first, then a priority kind held
    (in `order`), then the oldest, then person order — one stable radix sort of a small integer key."""
    bands = band[listed].astype(np.int32)
    top = int(bands.max(initial=0))
    older = np.clip(255 - age[listed].astype(np.int32), 0, 255)
    key = ((top - bands) * (len(order) + 1) + kind_rank) * 256 + older
    if int(key.max(initial=0)) < 1 << 15:
        key = key.astype(np.int16)  # numpy sorts 16-bit integers by radix
    ranked = np.argsort(key, kind="stable")
    listed, ranks = listed[ranked], kind_rank[ranked]
    due = due_from[listed]
    return pa.table(
        {
            "person_id": person[listed],
            "community_id": community[listed],
            "age": age[listed].astype(np.int32),
            "status": pa.DictionaryArray.from_arrays(pa.array(status[listed]), pa.array(STATUSES)),
            "booster_due_from": pa.array(due, mask=due == NONE).cast(pa.date32()),
            "moved_up_by": pa.DictionaryArray.from_arrays(
                pa.array(ranks.astype(np.int16), mask=ranks >= len(order)), pa.array(order, pa.string())
            ),
        }
    )


def read_table(folder: Path, name: str) -> pa.Table:
    """A table of a folder in `bulk run`'s layout: `NAME.arrow` (Arrow IPC, memory-mapped: read where it lies), else
    `NAME.parquet`; InvalidInput naming `data` when neither is there."""
    arrow = folder / f"{name}.arrow"
    if arrow.exists():
        with pa.memory_map(str(arrow)) as source:
            return ipc.open_file(source).read_all()
    path = folder / f"{name}.parquet"
    if not path.exists():
        raise InvalidInput("data", f"{folder} has no {arrow.name} or {path.name} (the job needs it)")
    return pq.read_table(path)


def read_optional(folder: Path, name: str) -> pa.Table | None:
    """A table of `read_table`'s layout that a job can do without: None when the folder has no such file."""
    if not (folder / f"{name}.arrow").exists() and not (folder / f"{name}.parquet").exists():
        return None
    return read_table(folder, name)


def run_coverage(folder: Path, rules: PolicyAt, on: date) -> CoverageRun:
    """`bulk run vaccination_coverage`: the residents and doses of `folder`, with what came of asking (`asked`) and
    the registry's kinds (`key_people`) where the folder has them, the pass for `on` (m20.12, m20.14)."""
    return coverage_pass(
        read_table(folder, "residents"),
        read_table(folder, "doses"),
        rules,
        on,
        asked=read_optional(folder, "asked"),
        key_people=read_optional(folder, "key_people"),
    )


# --- a synthetic province (seeded) -----------------------------------------------------------------------------------

# The share of each age band with any dose, the full course, a booster (of those with the full course): most adults two
# inactivated doses and a booster, the elderly less, the oldest least (the coverage the 29 Nov 2022 plan set out to
# raise).
_UPTAKE = {
    3: (0.88, 0.85, 0.02),
    18: (0.93, 0.90, 0.57),
    60: (0.88, 0.83, 0.60),
    70: (0.75, 0.68, 0.48),
    80: (0.45, 0.36, 0.40),
}


def province(residents: int, *, seed: int = 20221111, communities: int | None = None) -> tuple[pa.Table, pa.Table]:
    """A synthetic province (numpy, seeded): `residents` persons in communities of about 4,000, ages from 0 to 100
    weighted to an older population, and their doses 2021-2022 — mostly two inactivated doses a month apart and a
    booster 6–9 months later, some one-dose adenovirus vector or three-dose recombinant protein courses, a few
    heterologous (inhaled) boosters, a few doses too soon after the previous one."""
    rng = np.random.default_rng(seed)
    n = residents
    groups = communities or max(1, n // 4000)
    person = np.arange(n, dtype=np.int64)
    community = rng.integers(0, groups, n).astype(np.int64)
    community.sort()  # people of a community together, as an export lists them
    # ages: flat to 60, thinning after; birth dates counted back from 2022-12-01
    age_years = np.minimum(rng.gamma(6.0, 7.0, n), 100.0)
    birth = (epoch_day(date(2022, 12, 1)) - (age_years * 365.25).astype(np.int32)).astype(np.int32)
    age = np.floor(age_years).astype(np.int16)
    bands = np.array(sorted(_UPTAKE), dtype=np.int16)
    which = np.searchsorted(bands, age, side="right") - 1
    share = np.array([_UPTAKE[b] for b in sorted(_UPTAKE)] + [(0.0, 0.0, 0.0)], dtype=np.float64)[which]
    roll = rng.random(n)
    primary_started = roll < share[:, 0]
    completed = roll < share[:, 1]
    boosted = completed & (rng.random(n) < share[:, 2])
    # course product: 0..2 inactivated (2 doses), 3 adenovirus vector (1), 5 recombinant protein (3)
    kind = rng.choice(np.array([0, 1, 2, 3, 5], dtype=np.int8), n, p=[0.45, 0.35, 0.1, 0.06, 0.04])
    primary_doses = np.array([2, 2, 2, 1, 0, 3], dtype=np.int8)[kind]
    doses_in_course = np.where(completed, primary_doses, np.where(primary_started, np.maximum(primary_doses - 1, 1), 0))
    per = (doses_in_course + boosted).astype(np.int64)
    total = int(per.sum())
    owner = np.repeat(person, per)
    first = np.cumsum(per) - per
    rank = np.arange(total, dtype=np.int64) - np.repeat(first, per)
    start = epoch_day(date(2021, 3, 1)) + rng.integers(0, 400, n).astype(np.int32)
    gap = rng.integers(21, 56, total).astype(np.int32)
    gap[rng.random(total) < 0.02] = 14  # a few too soon: not counted by the rule
    is_booster = rank == np.repeat(doses_in_course, per)
    gap[is_booster] = rng.integers(170, 320, int(is_booster.sum())).astype(np.int32)
    steps = np.where(rank == 0, 0, gap)
    # the dose days: each person's start plus the running sum of their gaps
    cum = np.cumsum(steps)
    at = np.minimum(first, max(total - 1, 0))  # a person with no dose repeats nothing
    base = np.repeat(cum[at] - steps[at], per) if total else cum
    given = np.repeat(start, per) + (cum - base).astype(np.int32)
    # never before birth (a child's course starts at 3 or later)
    given = np.maximum(given, np.repeat(birth, per) + 3 * 366 + rank.astype(np.int32) * 30)
    product = np.repeat(kind, per).astype(np.int8)
    # an inactivated course finished with another inactivated product (same platform: counted)
    mixed = (rank > 0) & ~is_booster & (product < 3) & (rng.random(total) < 0.15)
    product[mixed] = rng.integers(0, 3, int(mixed.sum())).astype(np.int8)
    heterologous = is_booster & (rng.random(total) < 0.1)
    product[heterologous] = 4  # the inhaled adenovirus vector as the booster
    codes = [
        "sinovac_coronavac",
        "sinopharm_bbibp",
        "sinopharm_wibp",
        "cansino_ad5",
        "cansino_ad5_inhaled",
        "zhifei_zf2001",
    ]
    residents_table = pa.table(
        {
            "person_id": person,
            "community_id": community,
            "birth_date": pa.array(birth, pa.int32()).cast(pa.date32()),
        }
    )
    doses_table = pa.table(
        {
            "person_id": owner,
            "product": pa.DictionaryArray.from_arrays(pa.array(product), pa.array(codes)),
            "dose_number": (rank + 1).astype(np.int8),
            "given_on": pa.array(given, pa.int32()).cast(pa.date32()),
        }
    )
    return residents_table, doses_table


def outreach_history(residents: pa.Table, *, seed: int = 20221111) -> tuple[pa.Table, pa.Table]:
    """What came of asking in a synthetic province and its registry (seeded): about 6 % of the elderly asked before
    1 Dec 2022 (half refused, a quarter a later date agreed, a quarter a contraindication), and about 8 % of the
    elderly on the key-population registry with one or two kinds (living alone, disabled, an underlying disease,
    a cancer in treatment)."""
    rng = np.random.default_rng(seed + 1)
    person = _ints(residents.column("person_id")).astype(np.int64, copy=False)
    birth = _days(residents.column("birth_date"))
    elderly = person[birth <= epoch_day(date(1962, 12, 1))]
    asked = elderly[rng.random(len(elderly)) < 0.06]
    outcome = rng.choice(np.array([0, 1, 2], dtype=np.int8), len(asked), p=[0.25, 0.5, 0.25])
    asked_on = epoch_day(date(2022, 12, 1)) - rng.integers(1, 120, len(asked)).astype(np.int32)
    later_on = asked_on + rng.integers(7, 90, len(asked)).astype(np.int32)
    names = [OutreachOutcome.contraindication.value, OutreachOutcome.refusal.value, OutreachOutcome.later_date.value]
    asked_table = pa.table(
        {
            "person_id": asked,
            "outcome": pa.DictionaryArray.from_arrays(pa.array(outcome), pa.array(names)),
            "asked_on": pa.array(asked_on, pa.int32()).cast(pa.date32()),
            "later_on": pa.array(later_on, pa.int32(), mask=outcome != 2).cast(pa.date32()),
        }
    )
    kinds = [
        KeyPopulationKind.elderly_living_alone.value,
        KeyPopulationKind.elderly_disabled.value,
        KeyPopulationKind.underlying_disease.value,
        KeyPopulationKind.cancer_treatment.value,
    ]
    held = elderly[rng.random(len(elderly)) < 0.08]
    two = rng.random(len(held)) < 0.3
    who = np.concatenate([held, held[two]])
    kind = np.concatenate([rng.integers(0, 4, len(held)), rng.integers(0, 4, int(two.sum()))]).astype(
        np.int8
    )  # a second kind may repeat the first: the registry keeps one row per kind held, duplicates harmless
    key_table = pa.table({"person_id": who, "kind": pa.DictionaryArray.from_arrays(pa.array(kind), pa.array(kinds))})
    return asked_table, key_table


def write_province(
    residents: pa.Table,
    doses: pa.Table,
    folder: Path,
    today: date,
    *,
    asked: pa.Table | None = None,
    key_people: pa.Table | None = None,
) -> None:
    """Write the tables as `read_table` reads them fastest (Arrow IPC, uncompressed), with `export.json` naming the
    day."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = [("residents", residents), ("doses", doses), ("asked", asked), ("key_people", key_people)]
    for name, table in tables:
        if table is None:
            continue
        with pa.OSFile(str(folder / f"{name}.arrow"), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    (folder / "export.json").write_text(json.dumps({"today": today.isoformat()}), encoding="utf-8")


def generate_vaccination(folder: Path, residents: int, today: date, *, seed: int = 20221111) -> tuple[int, int]:
    """Write a synthetic province's residents and doses to `folder`, with what came of asking and the registry's
    kinds; the numbers of residents and doses."""
    people, doses = province(residents, seed=seed)
    asked, key_people = outreach_history(people, seed=seed)
    write_province(people, doses, folder, today, asked=asked, key_people=key_people)
    return int(people.num_rows), int(doses.num_rows)
