#!/usr/bin/env bash
# Matrix multiply side by side: `quire bench matmul` and `torch.mm` (OpenBLAS, scripts/torch_mm.py),
# interleaved shape by shape (Quire, torch, Quire, torch), `uptime` before every command.
# Usage (from the repository root, after ./mvnw -q package -DskipTests):
#   scripts/matmul-vs-torch.sh [ROUNDS] [M,K,N ...]      (default: 2 rounds, the model's five shapes)
# Threads: $THREADS (default 2) for both sides; $QUIRE replaces ./quire (e.g. a copy of the built launcher that
# other builds cannot replace mid-run). Each tool prints its own lines.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
shift || true
shapes=("$@")
if [ ${#shapes[@]} -eq 0 ]; then
  shapes=(4096,384,1152 4096,384,1536 4096,1536,384 4096,384,65 768,128,384)
fi
threads=${THREADS:-2}
for shape in "${shapes[@]}"; do
  IFS=, read -r m k n <<<"$shape"
  for ((r = 1; r <= rounds; r++)); do
    echo "== $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
    ${QUIRE:-./quire} bench matmul --m "$m" --k "$k" --n "$n" --threads "$threads" 2>&1 | grep -v "^WARNING: Using incubator"
    echo "== $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
    THREADS=$threads env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/torch_mm.py "$shape" 2>&1 | grep -v "^WARNING: Using incubator"
  done
done
