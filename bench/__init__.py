"""Benchmarks of DVCTT, run by `make bench` as `python -m bench`."""
