"""torch.mm counterpart of `quire bench matmul` (docs/benchmarks.md, "Matrix multiply").

Usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/torch_mm.py M,K,N [M,K,N ...]
Threads: $THREADS (default 2). Same method as Quire's MatMulBenchmark: after 300 ms of warm-up, the best
of 10 batches of at least 100 ms; GFLOP/s = 2*m*k*n / time. Forms: nn = A.B, nt = A.B^T, tn = A^T.B with
the transposed operand stored transposed (so OpenBLAS sees the same memory layouts as Quire's kernels).
Prints one line per shape for people and, last, one JSON object with every figure.
"""
import json
import os
import sys
import time

import torch

torch.set_num_threads(int(os.environ.get('THREADS', '2')))


def best(f, flops, reps=10, min_s=0.1):
    t = time.perf_counter()
    while time.perf_counter() - t < 0.3:
        f()
    b = 0.0
    for _ in range(reps):
        t0 = time.perf_counter()
        n = 0
        while True:
            f()
            n += 1
            dt = time.perf_counter() - t0
            if dt >= min_s:
                break
        b = max(b, flops * n / dt)
    return b / 1e9


def main(args):
    if not args:
        sys.exit('usage: torch_mm.py M,K,N [M,K,N ...]')
    rows = []
    for arg in args:
        try:
            m, k, n = map(int, arg.split(','))
        except ValueError:
            sys.exit(f'torch_mm.py: argument {arg!r}: expected M,K,N (three integers)')
        torch.manual_seed(1)
        a = torch.rand(m, k) * 2 - 1
        b = torch.rand(k, n) * 2 - 1
        bt = b.t().contiguous()
        at = a.t().contiguous()
        c = torch.empty(m, n)
        flops = 2.0 * m * k * n
        r = {'m': m, 'k': k, 'n': n, 'threads': torch.get_num_threads(),
             'gflops_nn': round(best(lambda: torch.mm(a, b, out=c), flops), 1),
             'gflops_nt': round(best(lambda: torch.mm(a, bt.t(), out=c), flops), 1),
             'gflops_tn': round(best(lambda: torch.mm(at.t(), b, out=c), flops), 1)}
        print(f"torch.mm m={m} k={k} n={n}, {r['threads']} threads: nn {r['gflops_nn']}  nt {r['gflops_nt']}"
              f"  tn {r['gflops_tn']} GFLOP/s", flush=True)
        rows.append(r)
    print(json.dumps({'torch': torch.__version__, 'shapes': rows}))


if __name__ == '__main__':
    main(sys.argv[1:])
