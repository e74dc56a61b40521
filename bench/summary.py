#!/usr/bin/env python3
"""Medians and ratios of bench/run's RESULT lines: `<round> <backend> <phase> key=value ...`.

A ratio is taken within each round (figure and anchor measured side by side), then its
median over the rounds is shown.
"""
import statistics
import sys
from collections import defaultdict

path, rounds = sys.argv[1], int(sys.argv[2])
data = defaultdict(dict)  # (backend, phase, key) -> {round: value}
for line in open(path):
    parts = line.split()
    if len(parts) < 3:
        continue
    rnd, backend, phase = parts[0], parts[1], parts[2]
    for kv in parts[3:]:
        k, _, v = kv.partition("=")
        try:
            data[(backend, phase, k)][rnd] = float(v)
        except ValueError:
            data[(backend, phase, k)][rnd] = v


def med(backend, phase, key):
    vals = [v for v in data.get((backend, phase, key), {}).values() if isinstance(v, float)]
    return statistics.median(vals) if vals else None


def runs(backend, phase, key):
    d = data.get((backend, phase, key), {})
    return " / ".join(fmt(d[r]) for r in sorted(d)) if d else "—"


def ratio(a, b):
    """Median over the rounds of a/b, each pair from one round."""
    da, db = data.get(a, {}), data.get(b, {})
    rs = [da[r] / db[r] for r in da if r in db and isinstance(da[r], float) and isinstance(db[r], float) and db[r]]
    return statistics.median(rs) if rs else None


def fmt(x, unit=""):
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if x >= 100:
        s = f"{x:,.0f}"
    elif x >= 10:
        s = f"{x:.1f}"
    else:
        s = f"{x:.2f}"
    return s + unit


def verdict(ok):
    return "—" if ok is None else ("met" if ok else "**missed**")


rows = []


def row(what, value, anchor, r, goal, ok):
    rows.append((what, value, anchor, fmt(r), goal, verdict(ok)))


for b, name in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
    rate = med(b, "bookings", "rate")
    extra = ""
    r = None
    if b == "postgres":
        r = ratio((b, "bookings", "rate"), (b, "pgbench_insert", "tps"))
        extra = f"pgbench insert {fmt(med(b, 'pgbench_insert', 'tps'))} tps"
    row(
        f"bookings/s, 50 clients, one attempt per slot, {name}",
        f"**{fmt(rate)}** (p99 {fmt(med(b, 'bookings', 'p99'), ' ms')}; runs {runs(b, 'bookings', 'rate')})",
        extra,
        r,
        "≥ 1,000/s" + (", ratio ≥ 0.25" if b == "postgres" else ""),
        None if rate is None else (rate >= 1000 and (r is None or r >= 0.25)),
    )
row(
    "pgbench: the insert after bumping one shared counter row",
    f"{fmt(med('postgres', 'pgbench_counter', 'tps'))} tps",
    f"plain insert {fmt(med('postgres', 'pgbench_insert', 'tps'))} tps",
    ratio(("postgres", "pgbench_counter", "tps"), ("postgres", "pgbench_insert", "tps")),
    "(why no Relais write takes a shared row on PostgreSQL)",
    None,
)
for b, name in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
    for phase, label in (("availability", "availability, list of slots (4 weeks, 1 coordinator)"), ("runs", "availability in runs (same query)")):
        p99 = med(b, phase, "p99")
        r = ratio((b, phase, "rps"), (b, "healthz", "rps"))
        goal, ok = "—", None
        if phase == "runs" and b == "sqlite":
            goal, ok = "p99 < 20 ms, ratio ≥ 0.10", (p99 is not None and p99 < 20 and r is not None and r >= 0.10)
        row(
            f"{label}, {name}",
            f"**{fmt(med(b, phase, 'rps'))} req/s**, p99 **{fmt(p99, ' ms')}** (p99 runs {runs(b, phase, 'p99')})",
            f"/healthz {fmt(med(b, 'healthz', 'rps'))} req/s",
            r,
            goal,
            ok,
        )
for phase, label in (("page_1", "person's slot page, a link for 1 coordinator"), ("page_20", "person's slot page, a link open to 20 coordinators")):
    p99 = med("sqlite", phase, "p99")
    row(
        f"{label}, SQLite",
        f"{fmt(med('sqlite', phase, 'rps'))} req/s, p99 **{fmt(p99, ' ms')}**",
        f"/healthz {fmt(med('sqlite', 'healthz', 'rps'))} req/s",
        ratio(("sqlite", phase, "rps"), ("sqlite", "healthz", "rps")),
        "p99 < 50 ms",
        None if p99 is None else p99 < 50,
    )
bd = med("postgres", "burndown", "rate")
r = ratio(("postgres", "burndown", "rate"), ("postgres", "graphile_batched", "rate"))
row(
    "reminder burn-down, 2 instances, PostgreSQL (pre-send check + HTTP to the fake gateway)",
    f"**{fmt(bd)} jobs/s** (runs {runs('postgres', 'burndown', 'rate')}; exactly once: {runs('postgres', 'burndown', 'once')})",
    f"graphile-worker no-op jobs: batched {fmt(med('postgres', 'graphile_batched', 'rate'))}/s, unbatched {fmt(med('postgres', 'graphile_unbatched', 'rate'))}/s",
    r,
    "ratio to batched ≥ 0.5",
    None if r is None else r >= 0.5,
)
overlaps = [v for (b, p, k), d in data.items() if p == "check" and k == "overlaps" for v in d.values()]
print(f"# bench/run: {rounds} rounds, medians\n")
print("| figure | measured (median) | anchor, same rounds | ratio | goal | |")
print("|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print(f"\nDouble bookings found by the checks: {int(sum(overlaps)) if overlaps else '—'} (over {len(overlaps)} runs).")

before = [b for b in ("sqlite-before", "postgres-before") if any(k[0] == b for k in data)]
if before:
    print("\n## Before and after, side by side in the same rounds (the baseline server given by --baseline)\n")
    print("| figure | before | after | after / before |")
    print("|---|---|---|---|")
    for b in before:
        now = b.replace("-before", "")
        name = "SQLite" if now == "sqlite" else "PostgreSQL"
        for phase, key, label in (
            ("bookings", "rate", "bookings/s"),
            ("bookings", "p99", "bookings p99 (ms)"),
            ("availability", "rps", "availability list, req/s"),
            ("availability", "p99", "availability list p99 (ms)"),
            ("healthz", "rps", "/healthz req/s (anchor)"),
            ("page_1", "p99", "slot page p99, 1 coordinator (ms)"),
            ("page_20", "p99", "slot page p99, 20 coordinators (ms)"),
        ):
            a, z = med(b, phase, key), med(now, phase, key)
            if a is None and z is None:
                continue
            r = ratio((now, phase, key), (b, phase, key))
            print(f"| {label}, {name} | {fmt(a)} | {fmt(z)} | {fmt(r)} |")
