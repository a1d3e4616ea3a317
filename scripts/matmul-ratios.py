"""Summarizes scripts/matmul-vs-torch.sh output: per shape and form, every Quire/torch pair in run order
(each Quire run with the torch run right after it), the ratio of each pair, and the ratio of the best
figures. Usage: scripts/matmul-vs-torch.sh 3 | tee run.txt; python3 scripts/matmul-ratios.py run.txt"""
import re
import sys
from collections import defaultdict

LINE = re.compile(r"^(bench matmul|torch\.mm) m=(\d+) k=(\d+) n=(\d+), \d+ threads: nn ([\d.]+)\s+nt ([\d.]+)\s+tn ([\d.]+)")


def main(path):
    runs = defaultdict(lambda: {'quire': [], 'torch': []})
    load = None
    loads = defaultdict(list)
    for line in open(path, encoding='utf-8'):
        m = re.search(r"load average: ([\d.]+)", line)
        if m:
            load = float(m.group(1))
            continue
        m = LINE.match(line)
        if not m:
            continue
        side = 'quire' if m.group(1) == 'bench matmul' else 'torch'
        shape = (int(m.group(2)), int(m.group(3)), int(m.group(4)))
        runs[shape][side].append(tuple(float(x) for x in m.group(5, 6, 7)))
        loads[shape].append(load)
    print("| m × k × n | load | form | Quire runs | torch runs | pair ratios | best / best |")
    print("|---|---|---|---|---|---|---:|")
    for shape, r in runs.items():
        lo = [x for x in loads[shape] if x is not None]
        load_text = f"{min(lo):.1f}–{max(lo):.1f}" if lo else "?"
        for f, form in enumerate(('nn', 'nt', 'tn')):
            q = [x[f] for x in r['quire']]
            t = [x[f] for x in r['torch']]
            pairs = [f"{a / b:.2f}" for a, b in zip(q, t)]
            best = max(q) / max(t) if q and t else float('nan')
            print(f"| {shape[0]} × {shape[1]} × {shape[2]} | {load_text} | {form} | {' / '.join(f'{x:.0f}' for x in q)} | "
                  f"{' / '.join(f'{x:.0f}' for x in t)} | {' '.join(pairs)} | **{best:.2f}** |")


if __name__ == '__main__':
    main(sys.argv[1])
