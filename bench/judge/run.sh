#!/usr/bin/env bash
# Runs the canary-judge simulation: Faultline's judge against Kayenta-style and Flagger-style judges on the
# same generated data, and prints one table plus the goals of issue 4. Arguments go to the program, e.g.
#   bash bench/judge/run.sh                 # 200 runs per scenario (about 40 s on 2 cores)
#   bash bench/judge/run.sh --runs 50       # quicker
#   bash bench/judge/run.sh --sigma 1.0     # wider latency spread (sensitivity)
# Set STRICT=1 to exit with status 1 when a goal is missed.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/judge/out
mkdir -p "$out"
dotnet build -c Release bench/judge -o "$out/bin" > "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
dotnet "$out/bin/Faultline.Bench.Judge.dll" "$@" | tee "$out/results.txt"
if [ "${STRICT:-0}" = 1 ] && grep -q MISSED "$out/results.txt"; then
  exit 1
fi
