#!/usr/bin/env bash
# Training and generation side by side with the PyTorch anchor (docs/benchmarks.md, "The latest side-by-side
# run"): each `quire bench` right after a `torch_gpt_bench.py` run of the same preset, `uptime` before every
# command, peak resident memory of each PyTorch run from /usr/bin/time (Quire's own JSON has its peak).
#   small: torch, quire, torch, quire      tiny: torch, quire, quire
#   small on 1 thread, then on 2           generate 255 tokens on small (PyTorch's figure: the small runs above)
# Usage (from the repository root, after ./mvnw -q -o package -DskipTests):
#   scripts/train-vs-torch.sh [SHARED_DIR]     (default ../shared: anchors/torch_gpt_bench.py)
# Threads: $THREADS (default 2) for both sides; $QUIRE replaces ./quire.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared}
anchor="$shared/anchors/torch_gpt_bench.py"
[ -f "$anchor" ] || { echo "train-vs-torch: $anchor: no such file (give the shared directory as the first argument)" >&2; exit 2; }
threads=${THREADS:-2}
quire=${QUIRE:-./quire}
out=$(mktemp -d)

stamp() { echo "== $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')  $*"; }
torch() {
  stamp "torch_gpt_bench.py $1 $2"
  THREADS=$threads env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/time -v /usr/bin/python3 "$anchor" "$1" "$2" \
    >"$out/torch.txt" 2>"$out/torch.time" || { cat "$out/torch.txt" "$out/torch.time"; exit 1; }
  cat "$out/torch.txt"
  grep -E 'Maximum resident' "$out/torch.time"
}
quire() {
  stamp "quire $*"
  "$quire" "$@" 2>&1 | grep -v '^WARNING: Using incubator' | tail -2
}

torch small 10
quire bench train --preset small --steps 20 --threads "$threads"
torch small 10
quire bench train --preset small --steps 20 --threads "$threads"
torch tiny 30
quire bench train --preset tiny --steps 300 --threads "$threads"
quire bench train --preset tiny --steps 300 --threads "$threads"
quire bench train --preset small --steps 10 --threads 1
quire bench train --preset small --steps 10 --threads 2
quire bench generate --preset small --tokens 255 --threads "$threads"
stamp done
rm -rf "$out"
