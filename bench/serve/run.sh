#!/usr/bin/env bash
# Measures `faultline serve` looks per second, one analysis and 100 at once, on SQLite and PostgreSQL, against
# a local Prometheus (Debian packages prometheus and postgresql). Arguments go to the program, e.g.
#   bash bench/serve/run.sh                              # 300 sequential looks, 100 analyses x 10 looks
#   bash bench/serve/run.sh --looks 100 --looks-each 5   # quicker
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/serve/out
mkdir -p "$out"
dotnet build -c Release bench/serve -o "$out/bin" > "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
dotnet "$out/bin/Faultline.Bench.Serve.dll" "$@" | tee "$out/results.txt"
