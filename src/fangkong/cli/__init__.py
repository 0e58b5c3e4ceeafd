"""The `fangkong` command line (Typer + Rich)."""
