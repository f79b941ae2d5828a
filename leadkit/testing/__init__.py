"""Labelled data for tests and benchmarks: a generator of messy Russian exports with their truth,
loaders of the public labelled sets, and pairwise scoring.

Nothing here is needed to run leadkit; it ships so that anyone can measure leadkit on their machine.
"""
