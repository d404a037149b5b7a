"""Helpers of ``bench/bench_scan.py``: corpora, timed child processes, inventories, the table.

Nothing here imports flowscan (except ``SKIP_DIRS``): flowscan always runs as a child process,
so the harness keeps working while the engine changes.
"""
