"""Policy impact simulation (issue 22): an agent-based, vectorized model of a synthetic city driven by the same
policy objects and rule functions as the engine, so a simulated close contact gets the plan `rules/` would give a
real one. `simulate` runs one seed; `compare` several policies over several seeds (docs/simulation.md)."""
