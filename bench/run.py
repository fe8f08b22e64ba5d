"""`make bench`: the engine against bm25s on 1k, 10k and 100k candidates, printed as a table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000 10000 100000").split()]


def measure(*args: str) -> dict:
    """Run one measurement in its own process."""
    out = subprocess.run([sys.executable, "-m", "bench.measure", *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print the Markdown table."""
    print("| candidates | system | build s | rank p50 / p95 ms | peak MB (build) | add one ms / next rank ms "
          "| rank p50 after 50 additions ms | load s | after load: first rank / p50 ms | peak MB (loaded worker) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            path = os.path.join(folder, f"index-{size}.npz")
            ours = measure("engine", str(size), path)
            loaded = measure("load", path)
            theirs = measure("bm25s", str(size))
            print(f"| {size:,} | Jiebang engine | {ours['build_s']:.1f} | {ours['p50_ms']:.1f} / {ours['p95_ms']:.1f} "
                  f"| {ours['peak_mb']:.0f} | {ours['update_ms']:.1f} / {ours['first_rank_after_update_ms']:.0f} "
                  f"| {ours['p50_after_updates_ms']:.1f} | {loaded['load_s']:.2f} "
                  f"| {loaded['first_rank_ms']:.0f} / {loaded['p50_ms']:.1f} | {loaded['peak_mb']:.0f} |", flush=True)
            print(f"| {size:,} | bm25s (same jieba tokens) | {theirs['build_s']:.1f} (tokenising "
                  f"{theirs['tokenise_s']:.1f}) | {theirs['p50_ms']:.1f} / {theirs['p95_ms']:.1f} "
                  f"| {theirs['peak_mb']:.0f} | – | – | – | – | – |", flush=True)
    dense_table()


def dense_table() -> None:
    """Embeddings: the model's cost per text, and ranking with fusion (matching/dense.py)."""
    print("\n| candidates | units | rank p50 / p95 ms, fused | rank p50 ms, same index, query without vector "
          "| vectors MB | peak MB | model: ms per document / per query |")
    print("|---|---|---|---|---|---|---|")
    for size in SIZES:
        found = measure("dense", str(size))
        print(f"| {size:,} | {found['units']:,.0f} | {found['fused_p50_ms']:.1f} / {found['fused_p95_ms']:.1f} "
              f"| {found['lexical_p50_ms']:.1f} | {found['dense_mb']:.0f} | {found['peak_mb']:.0f} "
              f"| {found['document_ms']:.0f} / {found['query_ms']:.0f} |", flush=True)

if __name__ == "__main__":
    main()
