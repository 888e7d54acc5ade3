"""Batch evaluation: reading rows, ordered parallel evaluation, output files and checkpoints, Dask."""
