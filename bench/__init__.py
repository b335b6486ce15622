"""``make bench``: SPEC §7's figures measured on a served app (see run.py and the README's "Benchmark")."""
