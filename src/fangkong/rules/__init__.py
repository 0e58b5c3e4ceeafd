"""Pure decision functions: (facts, policy in force) → decision with reasons. No I/O, no clock."""
