"""Where a process pool starts to pay for extracting Python facts (``parallel.PARALLEL_BYTES``).

    python bench/pool_threshold.py /work/corpus/litellm-1.55.0 [--workers 2]

Takes batches of the tree's files of growing total size and times extracting each batch
serially and over a pool of ``--workers`` processes (facts pickled back to the parent, as
the scan does), fresh pool per batch, best of three.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from flowscan.python.extract import extract_python


def _one(item: tuple[str, bytes]):
    return extract_python(*item)


def timed(batch: list[tuple[str, bytes]], workers: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        if workers == 1:
            [_one(item) for item in batch]
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                list(pool.map(_one, batch, chunksize=max(1, len(batch) // (workers * 8))))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    files = [(p.relative_to(args.root).as_posix(), p.read_bytes()) for p in sorted(args.root.rglob("*.py"))]
    print("bytes      files  serial   pool   pool/serial")
    for limit in (100_000, 250_000, 500_000, 1_000_000, 2_000_000, 4_000_000):
        batch, total = [], 0
        for item in files:
            if total >= limit:
                break
            batch.append(item)
            total += len(item[1])
        serial, pooled = timed(batch, 1), timed(batch, args.workers)
        print(f"{total:>9,}  {len(batch):>5}  {serial:6.2f}  {pooled:6.2f}  {pooled / serial:6.2f}")
        if total < limit:
            break


if __name__ == "__main__":
    main()
