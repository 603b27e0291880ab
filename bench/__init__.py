"""Benchmarks: each script compares tierwise with its peers and writes its section of RESULTS.md."""
