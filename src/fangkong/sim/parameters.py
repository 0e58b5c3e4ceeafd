"""The simulator's own parameters: the city, the virus, the vaccines and how the work on the ground is done.

None of these is a rule: the rules (who is a close contact, for how long, where, with which tests; risk areas and
their downgrade; pooling) come from `policy.at(date)` each simulated day (`sim.policy_link`). What is here is what the
notices do not say: each value names where it comes from (`SOURCES`). Values marked "assumption" are modelling
choices of this simulator, listed in docs/simulation.md, to be replaced by a calibration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

from fangkong.errors import InvalidInput

# Where each value comes from (docs/simulation.md repeats them with the full references).
COVASIM = "Covasim defaults (Kerr et al., PLoS Comput Biol 2021; covasim/parameters.py)"
CAI = "Cai et al., Nat Med 2022, 'Modeling transmission of SARS-CoV-2 Omicron in China'"
CENSUS = "China 7th national population census, 2020 (age structure; mean household size 2.62)"
NHC = "National Health Commission press conference, 29 Nov 2022 (coverage of people aged 60+ and 80+)"
BRANDAL = "Brandal et al., Euro Surveill 2021;26(50) (Omicron incubation, median 3 days)"
HAY = "Hay et al., medRxiv 2022.01.13.22269257, 'Viral dynamics and duration of PCR positivity of the Omicron variant'"
PCR = "PCR chemistry: a k-fold dilution reads log2(k) cycles later (one cycle doubles the target)"
ASSUMPTION = "assumption (docs/simulation.md)"

# The age structure: shares of the population in 10-year bands 0-9 ... 80+ (census 2020, rounded).
AGE_BANDS = (0, 10, 20, 30, 40, 50, 60, 70, 80)
AGE_SHARES = (0.115, 0.117, 0.118, 0.155, 0.140, 0.160, 0.110, 0.060, 0.025)

# Probability an infection is symptomatic, by 10-year band (Covasim's prognoses, symp_probs).
SYMPTOMATIC = (0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90)
# Infection fatality by band for the unvaccinated, scaled by (1 - VE against death) for the vaccinated: Omicron
# (Covasim's death_probs × severe × critical for wild type, divided by the Omicron reduction Cai et al. assume).
IFR_UNVACCINATED = (0.00002, 0.00002, 0.0001, 0.0003, 0.0008, 0.0025, 0.010, 0.030, 0.090)


@dataclass(frozen=True)
class SimParameters:
    """Every number the simulator uses that is not a rule. `check` refuses a value out of range, naming it."""

    # the city
    households_per_building: int = 24  # ASSUMPTION: a residential building (楼栋) of 6 floors × 4 households
    buildings_per_community: int = 40  # ASSUMPTION: a community (社区) of ~2,500 people
    group_size: int = 20  # ASSUMPTION: a class or a workplace team (Covasim: 20 school, 16 work contacts)
    employed_share: float = 0.70  # ASSUMPTION: of people aged 20-64 (covasim: work layer ages 20-64)
    # the virus (Omicron BA.2 / BA.5)
    r0: float = 3.9  # CAI: R0 of the no-NPI scenario
    latent_mean_days: float = 3.0  # BRANDAL (incubation) less one presymptomatic day
    latent_sd_days: float = 1.0  # ASSUMPTION
    infectious_mean_days: float = 8.0  # COVASIM: asym2rec / mild2rec lognormal mean
    infectious_sd_days: float = 2.0  # COVASIM
    household_weight: float = 3.0  # COVASIM: beta_layer h
    group_weight: float = 0.6  # COVASIM: beta_layer s, w
    community_weight: float = 0.3  # COVASIM: beta_layer c
    citywide_share: float = (
        0.5  # ASSUMPTION: of community contacts, made across the city (markets, transit, eating out)
    )
    # venues with scans (场所码): shops, restaurants, markets of one's own community (measure 2's venue co-presence)
    venues_per_community: int = 25  # ASSUMPTION: shops, restaurants, a market, a clinic of a community of ~2,500
    venue_slots: int = 24  # ASSUMPTION: the day's 30-minute slots a venue is visited in (8:00-20:00)
    venue_visit_probability: float = 0.5  # ASSUMPTION: a person in the community visits one venue that day
    scan_share: float = 0.9  # ASSUMPTION: of venue visits, scanned (an unscanned visit transmits, is not traced)
    venue_share: float = 0.3  # ASSUMPTION: of the local community contacts, made at venues (the rest mass action)
    venue_record_days: int = 28  # ASSUMPTION: days back a case's venue visits can be traced (a window cut there)
    # vaccines: shares fully vaccinated by band 0-9 ... 80+ (NHC for 60+ and 80+; the rest ASSUMPTION near 90 %)
    vaccinated: tuple[float, ...] = (0.20, 0.92, 0.92, 0.92, 0.92, 0.90, 0.86, 0.86, 0.657)
    # shares with a booster (a third dose) by band (NHC: 68.7 % of 60+, 40 % of 80+; the rest ASSUMPTION)
    boosted: tuple[float, ...] = (0.0, 0.10, 0.70, 0.72, 0.72, 0.72, 0.70, 0.69, 0.40)
    ve_infection_primary: float = 0.30  # CAI (order of): two doses of inactivated vaccine against Omicron infection
    ve_infection_booster: float = 0.50  # CAI (order of): after a booster
    waning_half_life_months: float = 4.0  # ASSUMPTION: protection against infection halves every 4 months
    months_since_dose_max: float = 12.0  # ASSUMPTION: last doses spread evenly over the year before the run
    ve_death: float = 0.70  # CAI: protection of two or three doses of inactivated vaccine against death (order of)
    # the work on the ground
    report_probability: float = 0.5  # ASSUMPTION: a symptomatic infection gets tested and reported
    report_delay_days: int = 2  # ASSUMPTION: from symptoms to a positive result
    test_sensitivity: float = 0.85  # ASSUMPTION: a swab of an infected person collects virus (its Ct decides the rest)
    ct_peak_mean: float = 23.3  # HAY: mean peak Ct of Omicron infections
    ct_peak_sd: float = 3.0  # ASSUMPTION: person-to-person spread of the peak (order of HAY's individual fits)
    ct_proliferation_days: float = 2.0  # ASSUMPTION (order of HAY): from the first infectious day to the peak
    ct_tail_days: int = 5  # ASSUMPTION: days after infectiousness in which Ct climbs from 35 to 40 (a "past infection")
    ct_noise_sd: float = 1.0  # ASSUMPTION: one tube's Ct about its person's curve (replicate PCR runs)
    entrant_past_infection_share: float = 0.05  # ASSUMPTION: of entrants, infected abroad and in the Ct 35-40 tail
    trace_delay_days: int = 1  # ASSUMPTION: from a positive result to the close contacts determined
    trace_coverage_household: float = 1.0  # ASSUMPTION
    trace_coverage_group: float = 0.8  # ASSUMPTION: classmates and co-workers found
    campaign_clean_rounds: int = 3  # ASSUMPTION: where the version sets no stop rule, 3 clean daily rounds stop one
    long_transmission_days: int = 5  # ASSUMPTION: "long community transmission": unplanned finds on 5 of 7 days
    preferred_pool: int = 10  # ASSUMPTION: 10-in-1 pools where the version allows that size
    seeds_per_100k: float = 5.0  # ASSUMPTION: infections on day 1 per 100,000 people
    home_isolation_ineligible_share: float = 0.2  # ASSUMPTION: households without a room and bathroom of one's own
    spillover_share: float = 0.05  # ASSUMPTION: residents outside an area when it is delineated (at work, away)
    entrants_per_100k_daily: float = 1.0  # ASSUMPTION: inbound entrants a day per 100,000 residents (order of)
    entrant_infected_share: float = 0.02  # ASSUMPTION: of entrants, infected on arrival

    def check(self) -> SimParameters:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                if len(value) != len(AGE_BANDS) or any(not 0.0 <= v <= 1.0 for v in value):
                    raise InvalidInput(f.name, f"{len(AGE_BANDS)} shares between 0 and 1 expected")
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise InvalidInput(f.name, f"{value!r} is not a number")
            probability = f.name.endswith(("_share", "_probability", "_coverage_household", "_coverage_group"))
            probability = probability or f.name.startswith("ve_") or f.name == "test_sensitivity"
            ct_scale = f.name.startswith("ct_") and f.name.endswith(("_mean", "_days"))
            if ct_scale and not 0 < value <= 45:
                raise InvalidInput(f.name, f"{value!r}: above 0 and at most 45")
            if probability and not 0.0 <= value <= 1.0:
                raise InvalidInput(f.name, f"{value!r} is not a probability (0 to 1)")
            if value < 0:
                raise InvalidInput(f.name, f"{value!r} is negative")
            if f.name == "trace_delay_days" and value < 1:
                raise InvalidInput(f.name, f"{value!r}: at least 1 (contacts are traced after the case is found)")
            if f.name in (
                "households_per_building",
                "buildings_per_community",
                "group_size",
                "preferred_pool",
                "campaign_clean_rounds",
                "venues_per_community",
                "venue_slots",
                "venue_record_days",
            ) and (value < 1):
                raise InvalidInput(f.name, f"{value!r}: at least 1")
        if self.venue_slots > 48:
            raise InvalidInput("venue_slots", f"{self.venue_slots!r}: at most 48 (30-minute slots of a day)")
        if self.venues_per_community > 10_000:
            raise InvalidInput("venues_per_community", f"{self.venues_per_community!r}: at most 10,000")
        if self.venue_share > 0 and self.venue_visit_probability == 0:
            raise InvalidInput(
                "venue_visit_probability", "0 while venue_share is above 0: nobody would make the venues' contacts"
            )
        if any(b > v for b, v in zip(self.boosted, self.vaccinated, strict=True)):
            raise InvalidInput("boosted", "more people boosted than fully vaccinated in an age band")
        if not 1 <= self.long_transmission_days <= 7:
            raise InvalidInput("long_transmission_days", f"{self.long_transmission_days!r}: 1 to 7 (days of a week)")
        if self.waning_half_life_months <= 0:
            raise InvalidInput("waning_half_life_months", "must be above 0")
        return self

    def with_overrides(self, pairs: list[str]) -> SimParameters:
        """`name=value` pairs (the CLI's `--param`), each checked; an unknown name or a bad value names the field."""
        known = {f.name: f for f in fields(self) if not isinstance(getattr(self, f.name), tuple)}
        changes: dict[str, float | int] = {}
        for pair in pairs:
            name, sep, raw = pair.partition("=")
            name = name.strip()
            if not sep or name not in known:
                raise InvalidInput("param", f"{pair!r}: expected NAME=VALUE, NAME one of {', '.join(sorted(known))}")
            kind = type(getattr(self, name))
            try:
                changes[name] = kind(raw) if kind is float else int(raw)
            except ValueError:
                raise InvalidInput(name, f"{raw!r} is not a {'number' if kind is float else 'whole number'}") from None
        return replace(self, **changes).check()  # type: ignore[arg-type]


CITED = {
    "household_sizes": CENSUS,
    "age_shares": CENSUS,
    "r0": CAI,
    "latent_mean_days": BRANDAL,
    "infectious_mean_days": COVASIM,
    "infectious_sd_days": COVASIM,
    "household_weight": COVASIM,
    "group_weight": COVASIM,
    "community_weight": COVASIM,
    "symptomatic": COVASIM,
    "ifr_unvaccinated": COVASIM + "; " + CAI,
    "vaccinated": NHC,
    "boosted": NHC,
    "ve_infection_primary": CAI,
    "ve_infection_booster": CAI,
    "ve_death": CAI,
    "ct_peak_mean": HAY,
    "pool_dilution": PCR,
}
"""The cited values; every other value of `SimParameters` is an assumption (docs/simulation.md)."""
