#!/usr/bin/env python3
"""Sums callgrind dumps of many processes (kamailio forks its workers).

    callgrind_sum.py [--fn NAME]... [--top N] DUMP...

Prints, as key=value lines:
  ir=TOTAL                       instructions of all the dumps
  self.FN=IR                     the --top N functions by own instructions
  incl.NAME=IR calls.NAME=COUNT  for every --fn: instructions spent in NAME
                                 and what it called (summed over the call
                                 sites into it), and how often it was called
Reads callgrind's format with or without name compression; only the first
event (Ir) is used. Inclusive costs are exact for functions that do not
call themselves, which is what the module's entry points are.
"""
import argparse
import collections
import re
import sys


def parse(path, self_ir, incl, calls, edges):
    names = {"fn": {}, "cfn": {}, "fl": {}}
    fn = None
    pending_call = None
    total = 0
    name_re = re.compile(r"^\((\d+)\)(?: (.*))?$")

    def resolve(kind, value):
        # "cfn" shares the "fn" table; "(id) name" defines, "(id)" refers
        table = names["fn"] if kind in ("fn", "cfn") else names["fl"]
        m = name_re.match(value)
        if not m:
            return value
        if m.group(2) is not None:
            table[m.group(1)] = m.group(2)
            return m.group(2)
        return table.get(m.group(1), value)

    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                ir = int(parts[1]) if len(parts) > 1 else 0
                if pending_call is not None:
                    target, n = pending_call
                    incl[target] += ir
                    calls[target] += n
                    edges[(target, fn)][0] += ir
                    edges[(target, fn)][1] += n
                    pending_call = None
                elif fn is not None:
                    self_ir[fn] += ir
                    total += ir
                continue
            key, _, value = line.partition("=")
            if key == "fn":
                fn = resolve("fn", value)
            elif key == "cfn":
                cfn = resolve("cfn", value)
            elif key in ("fl", "fi", "fe", "cfi", "cfl", "ob", "cob"):
                if key in ("fl", "fi", "fe", "cfi", "cfl"):
                    resolve("fl", value)
            elif key == "calls":
                pending_call = (cfn, int(value.split()[0]))
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fn", action="append", default=[])
    ap.add_argument("--top", type=int, default=0)
    ap.add_argument("--callers", action="append", default=[])
    ap.add_argument("dumps", nargs="+")
    a = ap.parse_args()
    self_ir = collections.Counter()
    incl = collections.Counter()
    calls = collections.Counter()
    edges = collections.defaultdict(lambda: [0, 0])
    total = sum(parse(p, self_ir, incl, calls, edges) for p in a.dumps)
    print(f"ir={total}")
    for name, ir in self_ir.most_common(a.top):
        print(f"self.{name}={ir}")
    for name in a.fn:
        print(f"incl.{name}={incl[name]} calls.{name}={calls[name]}")
    for name in a.callers:
        for (t, caller), (ir, n) in sorted(edges.items(), key=lambda e: -e[1][0]):
            if t == name:
                print(f"caller.{name}.{caller}={ir},{n}")


if __name__ == "__main__":
    sys.exit(main())
