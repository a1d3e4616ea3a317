#!/usr/bin/env bash
# The side-by-side attention benchmark of attention-flash/BENCHMARKS.md, in one run: batch 1, H=8, D=64,
# causal; standard vs flash at T=1024 and 4096 on 1 and 2 threads, then T=16384 (standard refuses, flash
# runs). Prints the machine, its load before and after, a control of the machine's own 2-thread scaling
# (CpuScaling.java) before and after, and the JSON line of every measurement (with standard error, as '#'
# lines, when one fails).
# Build first: ./mvnw -q package -DskipTests. QUIRE names another launcher (default: ./quire).
set -uo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."
quire="${QUIRE:-./quire}"

bench() {
  local err status
  err="$(mktemp)"
  "$quire" bench attention --batch 1 --heads 8 --kv-heads 8 --dim 64 --causal "$@" 2>"$err" | tail -n 1
  status=${PIPESTATUS[0]}
  if [ "$status" -ne 0 ]; then
    grep -v '^WARNING: Using incubator' "$err" | sed 's/^/# /'
    echo "# exit status $status"
  fi
  rm -f "$err"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $("$quire" --version 2>/dev/null)"
echo "# before: $(uptime)"
# Control: how much a trivially parallel loop gains from a second thread on this machine right now.
. scripts/find-jdk.sh
"$JAVA_HOME/bin/java" attention-flash/scripts/CpuScaling.java
for seq in 1024 4096; do
  for threads in 1 2; do
    for impl in standard flash; do
      bench --impl "$impl" --seq "$seq" --threads "$threads" --reps 10 --warmup 3
    done
  done
done
bench --impl standard --seq 16384 --threads 2 --reps 1 --warmup 0
for threads in 1 2; do
  bench --impl flash --seq 16384 --threads "$threads" --reps 3 --warmup 1
done
"$JAVA_HOME/bin/java" attention-flash/scripts/CpuScaling.java
echo "# after: $(uptime)"
