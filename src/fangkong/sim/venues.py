"""Venues with scans (场所码): a layer of the simulator where people meet at their community's shops, restaurants and
markets, and where the venue code's scans find close contacts (measure 2: people who scanned the venue an infected
person scanned, at most `tracing.venue_co_presence_minutes` apart, inside the look-back window).

Nothing about a visit is stored. Whether a person visits a venue on a day, which venue of their own community, in
which 30-minute slot, and whether they scan, are cut from one common-random-numbers hash of (seed, `Purpose.venue`,
day, person id) (`crn.bits`): the same under every policy, recomputed for whoever is needed — the visitors of the
communities with an infectious visitor on the day's transmission, a case's community on its window's days when it is
traced. Only who was in the community each day (the model's `in_community` mask) is kept, one bit a person a day for
`venue_record_days` days, because a visit needs it and a policy changes it.

**The weight of a venue contact.** The venue layer takes `venue_share` of the local community contacts out of the
community's mass action (K = community_weight × 20 × (1 − citywide_share) weighted contacts a day a person, of which
K_v = venue_share × K). Under mass action an infectious person in community c, with n_c people in it that day, puts a
force K_v / n_c on each of them: K_v × (n_c − 1) / n_c weighted contacts a day on the others, K_v (less its own share)
in all. At venues a person visits with probability p (`venue_visit_probability`) one of V × S (venue, slot) places,
uniformly; an infectious person visits with probability p and meets each other person of the n_c there with
probability p / (V S): p² (n_c − 1) / (V S) co-visitors a day in expectation. Each meeting weighs w_c, so

    w_c × p² (n_c − 1) / (V S) = K_v (n_c − 1) / n_c    ⇒    w_c = K_v × V S / (p² n_c)

and the expected weighted contacts a day an infectious person makes are the same with the venues as without them,
for any `venue_share`. The meetings are with other people each day (a given pair meets on a day with probability
p² / (V S), 1 in 2,400 by default), so they add to R0 as community contacts do: linearly, w β D × the contacts a day
(`Simulation.next_generation_r0`, unchanged; tests/sim/test_venues.py checks the realised force). Like the mass
action it replaces, w_c uses the people in the community that day: the layer moves where contacts are made, not how
many.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fangkong.sim import crn
from fangkong.sim.crn import Purpose
from fangkong.sim.parameters import SimParameters

SLOT_MINUTES = 30
"""A venue slot's length: two scans in slots k apart are k × 30 minutes apart (to the slot; ASSUMPTION)."""
COMMUNITY_CONTACTS = 20  # Covasim's default community contacts a day (as model.COMMUNITY_CONTACTS)

_FIELD = 21  # bits of the hash each probability is cut from (a resolution of 1 in 2 million)
_MASK = (1 << _FIELD) - 1


@dataclass(frozen=True)
class VenueForce:
    """The day's infectious visitors by (venue, slot), for the communities with one (`rank` ≥ 0): `counts` by
    rank × V S + place; `weight` w_c by rank."""

    rank: Any  # int64 by community: its row, -1 where no infectious visitor
    counts: Any  # float32 infectious visitors at each (venue, slot) of the ranked communities
    weight: Any  # float32 w_c of each ranked community


class Venues:
    """The venue layer of one run: its visits (drawn on demand), its force of infection and its tracing."""

    def __init__(
        self,
        xp: Any,
        seed: int,
        params: SimParameters,
        community: Any,
        community_start: Any,
        communities: int,
        members: Callable[[Any, Any, Any], Any],
    ) -> None:
        self.xp, self.seed, self.params = xp, seed, params
        self.community, self.community_start, self.communities = community, community_start, communities
        self.members = members
        self.slots = params.venue_slots
        self.places = params.venues_per_community * params.venue_slots  # V × S
        self.visit_below = round(params.venue_visit_probability * (1 << _FIELD))
        self.scan_below = round(params.scan_share * (1 << _FIELD))
        self.on = params.venue_visit_probability > 0  # people visit venues (and scan): traceable
        self.transmits = self.on and params.venue_share > 0
        local = COMMUNITY_CONTACTS * params.community_weight * (1.0 - params.citywide_share)
        self.k_venue = local * params.venue_share  # K_v: weighted contacts a day a person, moved to venues
        self.records: dict[int, Any] = {}  # day → who was in the community (packed bits)

    # ---- visits ----------------------------------------------------------------------------------
    def draw(self, ids: Any, day: int) -> tuple[Any, Any, Any]:
        """For `ids` on `day`: whether each visits a venue (if in the community that day), whether they scan, and the
        place: venue × S + slot within their own community (0 .. V S − 1). One hash a person: the low bits decide the
        visit, the next the scan, the top 22 the place."""
        h = self._hash(ids, day)
        return self._visits(h), self._scans(h), self._place(h)

    def _hash(self, ids: Any, day: int) -> Any:
        return crn.bits(self.xp, crn.key(self.seed, Purpose.venue, day), ids)

    def _visits(self, h: Any) -> Any:
        return (h & self.xp.uint64(_MASK)) < self.visit_below

    def _scans(self, h: Any) -> Any:
        return ((h >> self.xp.uint64(_FIELD)) & self.xp.uint64(_MASK)) < self.scan_below

    def _place(self, h: Any) -> Any:
        xp = self.xp
        return (((h >> xp.uint64(2 * _FIELD)) * xp.uint64(self.places)) >> xp.uint64(64 - 2 * _FIELD)).astype(xp.int64)

    def remember(self, day: int, in_community: Any) -> None:
        """Keep who is in the community on `day` (one bit a person) for `venue_record_days` days."""
        if not self.on:
            return
        self.records[day] = self.xp.packbits(in_community)
        self.records.pop(day - self.params.venue_record_days, None)

    def was_in(self, ids: Any, day: int) -> Any:
        """Whether each of `ids` was in the community on `day` (False where the day is not kept)."""
        xp = self.xp
        packed = self.records.get(day)
        if packed is None:
            return xp.zeros(ids.size, dtype=bool)
        return ((packed[ids >> 3] >> (7 - (ids & 7))) & 1) == 1

    # ---- transmission ----------------------------------------------------------------------------
    def weights(self, present: Any) -> Any:
        """w_c by community, from the people in it today (`present`, n_c ≥ 1): K_v × V S / (p² n_c) (the module's
        derivation)."""
        p = self.params.venue_visit_probability
        return (self.k_venue * self.places / (p * p * present)).astype(self.xp.float32)

    def infectious_visitors(self, sources: Any, day: int, present: Any) -> VenueForce | None:
        """The day's infectious visitors (`sources`: infectious and in the community) by (venue, slot); None where no
        one of them visits or the layer does not transmit."""
        xp = self.xp
        if not self.transmits or sources.size == 0:
            return None
        visits, _, place = self.draw(sources, day)
        if not bool(visits.any()):
            return None
        comm = self.community[sources[visits]].astype(xp.int64)
        hit = xp.zeros(self.communities, dtype=bool)
        hit[comm] = True
        rank = xp.where(hit, xp.cumsum(hit) - 1, -1)
        ranked = xp.nonzero(hit)[0]
        counts = xp.bincount(rank[comm] * self.places + place[visits], minlength=int(ranked.size) * self.places)
        return VenueForce(rank=rank, counts=counts.astype(xp.float32), weight=self.weights(present)[ranked])

    def reached(self, force: VenueForce, communities: Any) -> Any:
        """Whether each community (of a block of people) has an infectious visitor today."""
        return force.rank[communities] >= 0

    def force(self, force: VenueForce, cand: Any, in_community: Any, day: int) -> Any:
        """The venue force on each of `cand` (float32, 0 for who does not visit or whose community has no infectious
        visitor): w_c × the infectious visitors at their venue in their slot."""
        xp = self.xp
        out = xp.zeros(cand.size, dtype=xp.float32)
        rank = force.rank[self.community[cand]]
        sel = xp.nonzero((rank >= 0) & in_community[cand])[0]
        if sel.size == 0:
            return out
        h = self._hash(cand[sel], day)  # the place only of who visits: half the work
        visits = self._visits(h)
        sel, place = sel[visits], self._place(h[visits])
        r = rank[sel]
        out[sel] = force.counts[r * self.places + place] * force.weight[r]
        return out

    # ---- tracing ---------------------------------------------------------------------------------
    def co_visitors(self, cases: Any, from_day: Any, until: int, gap_slots: int) -> tuple[Any, Any]:
        """People who scanned a venue a case scanned on a day of its window (`from_day` of each case .. `until`), in a
        slot at most `gap_slots` from the case's (|k| × 30 minutes ≤ the co-presence minutes), the same day; only
        scanned visits on both sides (measure 2; rules.tracing.venue_candidates). Returns each person (not the cases)
        once with the latest day of a shared visit (their last exposure)."""
        xp = self.xp
        none = xp.zeros(0, dtype=xp.int64)
        if not self.on or cases.size == 0:
            return none, none
        people: list[Any] = []
        days: list[Any] = []
        first = max(int(from_day.min()), until - self.params.venue_record_days + 1, 0)
        for day in range(first, until + 1):
            if day not in self.records:
                continue
            cs = cases[from_day <= day]
            cs = cs[self.was_in(cs, day)]
            visits, scans, place = self.draw(cs, day)
            kept = visits & scans
            if not bool(kept.any()):
                continue
            # the (venue, slot) places within the gap of a case's scanned visit, marked in a table of the cases'
            # communities (ranked), so that each person of them is looked up once
            comm = self.community[cs[kept]].astype(xp.int64)
            hit = xp.zeros(self.communities, dtype=bool)
            hit[comm] = True
            rank = xp.where(hit, xp.cumsum(hit) - 1, -1)
            ranked = xp.nonzero(hit)[0]
            table = xp.zeros(int(ranked.size) * self.places, dtype=bool)
            place = place[kept]
            slot = place % self.slots
            for shift in range(-gap_slots, gap_slots + 1):
                inside = (slot + shift >= 0) & (slot + shift < self.slots)
                table[(rank[comm] * self.places + place + shift)[inside]] = True
            near = self.members(xp, self.community_start, ranked)
            h = self._hash(near, day)
            kept = self._visits(h) & self._scans(h)
            near, place = near[kept], self._place(h[kept])
            kept = self.was_in(near, day)
            near, place = near[kept], place[kept]
            together = table[rank[self.community[near]] * self.places + place]
            met = near[together]
            met = met[~xp.isin(met, cases)]
            people.append(met)
            days.append(xp.full(met.size, day, dtype=xp.int64))
        if not people:
            return none, none
        who = xp.concatenate(people)
        when = xp.concatenate(days)
        order = xp.argsort(who, kind="stable")  # days ascending within a person: their last is their latest
        who, when = who[order], when[order]
        last = xp.concatenate([who[1:] != who[:-1], xp.full(min(who.size, 1), True)])
        return who[last], when[last]
