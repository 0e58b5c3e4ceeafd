"""Whole-population jobs: the rules vectorized over columns (DuckDB, Polars, numpy) and, for a province, over
Apache Spark. Each job reads the same policy objects as the per-person rules and is checked against them."""
