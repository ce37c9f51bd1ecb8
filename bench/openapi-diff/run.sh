#!/usr/bin/env bash
# Faultline openapi-diff benchmark: how long Faultline takes to diff two OpenAPI specs, against Atlassian's
# openapi-diff (npm package) on the same generated pairs, in the same run.
#
#   bash bench/openapi-diff/run.sh [OPERATIONS ...]     (default: 2500 5000 10000)
#
# Environment:
#   RUNS        timed Faultline runs per size, median reported (default 3; one untimed warm-up before them)
#   PEER_RUNS   timed openapi-diff runs per size (default 1: at 10,000 operations one run takes minutes)
#   PEER_SIZES  sizes to run openapi-diff on (default: all sizes)
#   SKIP_PEER   1 to measure Faultline only
#   STRICT      1 to exit 1 when the goal does not hold
#
# See bench/openapi-diff/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

BENCH=bench/openapi-diff
OUT=$BENCH/out
LOGS=$OUT/logs
RUNS=${RUNS:-3}
PEER_RUNS=${PEER_RUNS:-1}
PEER_VERSION=0.24.1
GOAL_SIZE=10000
GOAL_RATIO=50

die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "$*" >&2; }

if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(2500 5000 10000); fi
for s in "${SIZES[@]}"; do
  [[ "$s" =~ ^[1-9][0-9]*$ ]] && [ "$s" -ge 5 ] || die "operations must be an integer of at least 5, got '$s'"
done
read -r -a PEER_SIZES <<<"${PEER_SIZES:-${SIZES[*]}}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
[[ "$PEER_RUNS" =~ ^[1-9][0-9]*$ ]] || die "PEER_RUNS must be a positive integer, got '$PEER_RUNS'"
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (Debian package 'time')"
command -v node >/dev/null || die "node is needed"
command -v dotnet >/dev/null || die "dotnet is needed"

mkdir -p "$OUT" "$LOGS"

# --- openapi-diff ---------------------------------------------------------------
PEER="$BENCH/node_modules/.bin/openapi-diff"
if [ "${SKIP_PEER:-0}" != 1 ] && [ ! -x "$PEER" ]; then
  say "== installing openapi-diff@$PEER_VERSION into $BENCH/node_modules"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$BENCH" "openapi-diff@$PEER_VERSION" >&2
fi

# --- Faultline -------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Builds share the machine with other work; take the shared build lock when there is one.
LOCK=()
if command -v flock >/dev/null; then LOCK=(flock /tmp/dotnet.lock); fi
say "== publishing the Faultline diff driver (Release, ReadyToRun) into $OUT/faultline"
if ! "${LOCK[@]}" dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    "$BENCH/FaultlineDiff" -o "$OUT/faultline" >"$LOGS/build.log" 2>&1; then
  tail -n 40 "$LOGS/build.log" >&2
  die "dotnet publish failed (full log: $LOGS/build.log)"
fi
FL=(dotnet "$OUT/faultline/faultline-openapi-diff.dll")

# --- generate the pairs -----------------------------------------------------------
declare -A BYTES PLANNED
for s in "${SIZES[@]}"; do
  dir="$OUT/ops-$s"
  summary=$(node "$BENCH/generate.js" "$dir" "$s")
  BYTES[$s]=$(sed -n 's/.* base_bytes=\([0-9]*\).*/\1/p' <<<"$summary")
  PLANNED[$s]=$(sed -n 's/.* breaking_resources=\([0-9]*\).*/\1/p' <<<"$summary")
  say "== generated $dir: $summary"
done

# --- measuring --------------------------------------------------------------------
# timed NAME OUTFILE ERRLOG OKCODES CMD...: runs CMD once under /usr/bin/time, stdout to OUTFILE, stderr to
# ERRLOG; prints "SECONDS PEAK_KB". Exit codes other than those in OKCODES (space-separated) abort.
timed() {
  local name=$1 outfile=$2 errlog=$3 ok=$4; shift 4
  local tf code=0
  tf=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$tf" "$@" >"$outfile" 2>"$errlog" || code=$?
  if [[ " $ok " != *" $code "* ]]; then
    tail -n 20 "$errlog" >&2
    rm -f "$tf"
    die "$name exited $code: $* (stderr: $errlog)"
  fi
  grep -E '^[0-9.]+ [0-9]+$' "$tf" | tail -n 1
  rm -f "$tf"
}

# measure NAME RUNS WARMUP OUTFILE ERRLOG OKCODES CMD...: optional untimed warm-up, then RUNS timed runs;
# prints "MEDIAN_SECONDS PEAK_KB".
measure() {
  local name=$1 runs=$2 warmup=$3 outfile=$4 errlog=$5 ok=$6; shift 6
  if [ "$warmup" = 1 ]; then timed "$name" "$outfile" "$errlog" "$ok" "$@" >/dev/null; fi
  local secs=() peak=0 res t m i
  for ((i = 1; i <= runs; i++)); do
    res=$(timed "$name" "$outfile" "$errlog" "$ok" "$@")
    read -r t m <<<"$res"
    say "   $name run $i: ${t}s, $((m / 1024)) MB"
    secs+=("$t")
    if ((m > peak)); then peak=$m; fi
  done
  local median
  median=$(printf '%s\n' "${secs[@]}" | sort -g | awk '{a[NR]=$1} END{if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}')
  echo "$median $peak"
}

declare -A FL_S FL_KB FL_CHANGES FL_IN PEER_S PEER_KB PEER_BREAKING
for s in "${SIZES[@]}"; do
  dir="$OUT/ops-$s"
  say "== $s operations"
  res=$(measure faultline "$RUNS" 1 "$LOGS/faultline-$s.out" "$LOGS/faultline-$s.err" "0" "${FL[@]}" "$dir/base.yaml" "$dir/head.yaml")
  read -r t m <<<"$res"; FL_S[$s]=$t; FL_KB[$s]=$m
  FL_CHANGES[$s]=$(sed -n 's/^ *\([0-9]*\)  changes in.*/\1/p' "$LOGS/faultline-$s.out")
  # The driver's own clock for the last run: reading and diffing, without process start-up.
  FL_IN[$s]=$(sed -n 's/.*, total \([0-9]*\) ms$/\1/p' "$LOGS/faultline-$s.err")
  if [ "${SKIP_PEER:-0}" != 1 ] && [[ " ${PEER_SIZES[*]} " == *" $s "* ]]; then
    say "   openapi-diff (takes minutes at 10,000 operations)"
    # openapi-diff exits 1 when it finds breaking changes, which it should here.
    res=$(measure openapi-diff "$PEER_RUNS" 0 "$LOGS/openapi-diff-$s.out" "$LOGS/openapi-diff-$s.err" "0 1" "$PEER" "$dir/base.yaml" "$dir/head.yaml")
    read -r t m <<<"$res"; PEER_S[$s]=$t; PEER_KB[$s]=$m
    PEER_BREAKING[$s]=$(grep -c '"type": "breaking"' "$LOGS/openapi-diff-$s.out" || true)
  fi
done

# --- report -------------------------------------------------------------------------
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN{ if (b + 0 == 0 || a == "") print "n/a"; else printf f "\n", a / b }'; }
mb() { awk -v k="$1" 'BEGIN{ if (k == "") print "-"; else printf "%.0f\n", k / 1024 }'; }

{
  echo
  echo "Faultline openapi-diff benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores; Faultline: median of $RUNS runs after a warm-up;"
  echo "openapi-diff $PEER_VERSION: median of $PEER_RUNS run(s); node $(node --version))"
  echo "times are whole-process wall times, start-up included; MB = MiB; peak = max resident set size"
  echo "changes: Faultline's reported contract changes; breaking: openapi-diff's breaking differences; planned: resources"
  echo "the generator gave one breaking change"
  echo
  printf '%10s %6s %8s | %9s %6s %8s | %9s %6s %9s | %9s\n' \
    operations MB planned "fl s" "fl MB" changes "peer s" "pr MB" breaking "peer/fl"
  printf '%s\n' "--------------------------------------------------------------------------------------------------"
  for s in "${SIZES[@]}"; do
    printf '%10s %6.1f %8s | %9s %6s %8s | %9s %6s %9s | %9s\n' \
      "$s" "$(awk -v b="${BYTES[$s]}" 'BEGIN{print b/1048576}')" "${PLANNED[$s]}" \
      "${FL_S[$s]}" "$(mb "${FL_KB[$s]}")" "${FL_CHANGES[$s]}" \
      "${PEER_S[$s]:--}" "$(mb "${PEER_KB[$s]:-}")" "${PEER_BREAKING[$s]:--}" \
      "$(div "${PEER_S[$s]:-}" "${FL_S[$s]}" "%.0f")"
  done
  echo
  echo "Cost per 1,000 operations (flat across sizes = linear growth). faultline s: whole process; faultline in-process:"
  echo "reading and diffing as the driver's own clock measures it (last run), without process start-up:"
  printf '%10s | %12s %20s %14s\n' operations "faultline s" "faultline in-proc ms" "openapi-diff s"
  for s in "${SIZES[@]}"; do
    k=$(awk -v o="$s" 'BEGIN{print o/1000}')
    printf '%10s | %12s %20s %14s\n' "$s" "$(div "${FL_S[$s]}" "$k" "%.3f")" "$(div "${FL_IN[$s]:-}" "$k" "%.0f")" \
      "$(div "${PEER_S[$s]:-}" "$k" "%.2f")"
  done
  if [ "${#SIZES[@]}" -gt 1 ]; then
    first=${SIZES[0]} last=${SIZES[${#SIZES[@]}-1]}
    a=$(div "${FL_IN[$first]:-}" "$first" "%.9f")
    b=$(div "${FL_IN[$last]:-}" "$last" "%.9f")
    echo "faultline in-process cost per operation at $last is $(div "$b" "$a") x that at $first (1.00 = linear)"
  fi
  echo
} | tee "$OUT/results.txt"

status=0
if [ -n "${PEER_S[$GOAL_SIZE]:-}" ] && [ -n "${FL_S[$GOAL_SIZE]:-}" ]; then
  ratio=$(div "${PEER_S[$GOAL_SIZE]}" "${FL_S[$GOAL_SIZE]}" "%.0f")
  if awk -v r="$ratio" -v g="$GOAL_RATIO" 'BEGIN{exit !(r + 0 >= g)}'; then verdict="GOAL HOLDS"; else verdict="GOAL NOT MET"; status=1; fi
  line="$verdict at $GOAL_SIZE operations: openapi-diff/faultline = ${ratio}x (goal >= ${GOAL_RATIO}x)"
else
  line="GOAL NOT EVALUATED: $GOAL_SIZE operations were not measured with both tools"
fi
echo "$line" | tee -a "$OUT/results.txt"

if [ "${STRICT:-0}" = 1 ]; then exit "$status"; fi
