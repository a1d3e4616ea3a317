#!/usr/bin/env bash
# The nanoGPT Shakespeare-character CPU recipe, Quire then PyTorch, back to back (docs/benchmarks.md,
# "The nanoGPT recipe"). Prints `uptime` before each run, each run's own output, /usr/bin/time's wall clock
# and peak resident memory, and last the ratio of wall times and the difference of validation losses.
# Usage (from the repository root, after ./mvnw -q package -DskipTests):
#   scripts/recipe-vs-torch.sh [SHARED_DIR]      (default ../shared: data/tinyshakespeare.txt, anchors/)
# Threads: $THREADS (default 2) for both; $QUIRE replaces ./quire (a copy of the launcher and runtime/target
# that other builds cannot replace mid-run).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared}
corpus="$shared/data/tinyshakespeare.txt"
anchor="$shared/anchors/torch_char_train.py"
for f in "$corpus" "$anchor"; do
  [ -f "$f" ] || { echo "recipe-vs-torch: $f: no such file (give the shared directory as the first argument)" >&2; exit 2; }
done
threads=${THREADS:-2}
out=$(mktemp -d)
echo "== $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')  quire bench recipe"
/usr/bin/time -v ${QUIRE:-./quire} bench recipe --data "$corpus" --threads "$threads" >"$out/quire.txt" 2>"$out/quire.time" || {
  cat "$out/quire.txt" "$out/quire.time"; exit 1; }
grep -v '^WARNING: Using incubator' "$out/quire.txt"
grep -E 'Elapsed \(wall|Maximum resident' "$out/quire.time"
echo "== $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')  torch_char_train.py"
THREADS=$threads env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/time -v /usr/bin/python3 "$anchor" "$corpus" \
  >"$out/torch.txt" 2>"$out/torch.time" || { cat "$out/torch.txt" "$out/torch.time"; exit 1; }
cat "$out/torch.txt"
grep -E 'Elapsed \(wall|Maximum resident' "$out/torch.time"
echo "== $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
python3 - "$out" <<'PY'
import json, re, sys
d = sys.argv[1]
q = json.loads([l for l in open(f"{d}/quire.txt") if l.startswith('{')][-1])
t = open(f"{d}/torch.txt").read()
tv = float(re.findall(r"val ([0-9.]+)", t)[-1]); tw = float(re.search(r"([0-9.]+)s wall", t).group(1))
print(json.dumps({"quire_val_loss": q["val_loss"], "quire_seconds": q["wall_seconds"], "torch_val_loss": tv,
                  "torch_seconds": tw, "time_ratio": round(q["wall_seconds"] / tw, 3),
                  "val_loss_difference": round(q["val_loss"] - tv, 4)}))
PY
rm -rf "$out"
