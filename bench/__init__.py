"""rnk's benchmarks, run with `make bench` (`python -m bench`).

They live outside the installed packages on purpose: they generate large synthetic sites,
start servers and pin processes to cores, none of which belongs in `rnk` itself or in the
test suite (a benchmark reports figures; it does not pass or fail on them).
"""
