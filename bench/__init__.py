"""Benchmarks and load tools (`make bench`, `bench/cluster`)."""
