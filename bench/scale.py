"""The growth table of `bench/run.py --scale`: how each scenario's latency grows from the
smallest data size to the largest (issue 10's target: at most 1.5x from 1,000 to 1,000,000
records)."""

from __future__ import annotations

from typing import Any


def growth_rows(by_size: dict[int, list[dict[str, Any]]], target: float) -> list[dict[str, Any]]:
    """One row per scenario measured at every size: p50 and p99 at each, and the growth of
    the p50 (the issue's figure) and of the p99, largest size over smallest."""
    sizes = sorted(by_size)
    named = [{row["scenario"]: row for row in by_size[size]} for size in sizes]
    out = []
    for name in named[0]:
        if not all(name in rows for rows in named):
            continue
        first, last = named[0][name], named[-1][name]
        at = list(zip(sizes, named, strict=True))
        growth = last["p50_ms"] / first["p50_ms"] if first["p50_ms"] else float("inf")
        growth_p99 = last["p99_ms"] / first["p99_ms"] if first["p99_ms"] else float("inf")
        cpu = [first["server_cpu_ms_per_request"], last["server_cpu_ms_per_request"]]
        # wrk leaves requests over 2 s out of its latencies: with any, the growth understates.
        timeouts = {str(size): rows[name]["socket_errors"]["timeout"] for size, rows in at}
        out.append(
            {
                "scenario": name,
                "p50_ms": {str(size): rows[name]["p50_ms"] for size, rows in at},
                "p99_ms": {str(size): rows[name]["p99_ms"] for size, rows in at},
                "rps": {str(size): rows[name]["rps"] for size, rows in at},
                "server_cpu_ms": {
                    str(size): rows[name]["server_cpu_ms_per_request"] for size, rows in at
                },
                "growth_p50": round(growth, 2),
                "growth_p99": round(growth_p99, 2),
                # Server CPU per request: much steadier than latency on a shared machine.
                "growth_cpu": round(cpu[1] / cpu[0], 2) if all(cpu) else None,
                "timeouts": timeouts,
                "target": target,
                "met": growth <= target and not any(timeouts.values()),
            }
        )
    return out


def format_growth(rows: list[dict[str, Any]], sizes: list[int]) -> str:
    """A plain-text table: p50 at each size; the growth of the p50, the p99 and the server's
    CPU per request; whether the target (on the p50, the issue's figure) is met."""
    heading = [
        "scenario",
        *(f"p50 @{size:,}" for size in sizes),
        "growth p50",
        "p99",
        "cpu/req",
        "target",
    ]
    cells = [heading]
    for row in rows:
        cells.append(
            [
                row["scenario"],
                *(f"{row['p50_ms'][str(size)]:.2f} ms" for size in sizes),
                f"{row['growth_p50']:.2f}x",
                f"{row['growth_p99']:.2f}x",
                "n/a" if row["growth_cpu"] is None else f"{row['growth_cpu']:.2f}x",
                ("met" if row["met"] else "MISSED")
                + f" (<= {row['target']:g}x)"
                + (" timeouts > 2 s" if any(row["timeouts"].values()) else ""),
            ]
        )
    widths = [max(len(line[i]) for line in cells) for i in range(len(heading))]
    lines = []
    for n, line in enumerate(cells):
        lines.append(
            "  ".join(
                text.ljust(width) if i in (0, len(heading) - 1) else text.rjust(width)
                for i, (text, width) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
