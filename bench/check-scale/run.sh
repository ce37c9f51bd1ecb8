#!/usr/bin/env bash
# Faultline check-scale benchmark: how `faultline check` scales with the size
# of a folder of manifests, against js-yaml parse-only (the floor) and
# kubectl kustomize (what users already run on such folders).
#
#   bash bench/check-scale/run.sh [SIZE ...]      (default sizes: 500 2000 8000)
#
# Environment:
#   FAULTLINE       command to run instead of building Faultline, split on
#                   spaces (e.g. FAULTLINE=true to test the script itself)
#   RUNS            timed runs per tool and size, median reported (default 3)
#   SKIP_KUSTOMIZE  1 to skip the kubectl kustomize run (size 2000 only)
#   STRICT          1 to exit 1 when the goals do not hold
#
# See bench/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

BENCH=bench/check-scale
OUT=$BENCH/out
LOGS=$OUT/logs
RUNS=${RUNS:-3}
GOAL_SIZE=2000
GOAL_RATIO=3
GOAL_PEAK_MB=500

die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "$*" >&2; }

if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(500 2000 8000); fi
for s in "${SIZES[@]}"; do
  [[ "$s" =~ ^[1-9][0-9]*$ ]] || die "size must be a positive integer, got '$s'"
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (Debian package 'time')"
command -v node >/dev/null || die "node is needed"

mkdir -p "$OUT" "$LOGS"

# --- js-yaml (parse-only baseline) -------------------------------------------
if [ ! -f "$BENCH/node_modules/js-yaml/package.json" ]; then
  say "== installing js-yaml@4 into $BENCH/node_modules"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$BENCH" js-yaml@4 >&2
fi

# --- Faultline -----------------------------------------------------------------
if [ -n "${FAULTLINE:-}" ]; then
  read -r -a FL <<<"$FAULTLINE"
  FL_NOTE="FAULTLINE override: $FAULTLINE"
else
  command -v dotnet >/dev/null || die "dotnet is needed to build Faultline (or set FAULTLINE)"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  say "== publishing Faultline (Release, ReadyToRun) into $OUT/cli"
  # ReadyToRun: precompiled code, as the published tool ships, so start-up JIT does not dominate the timing.
  if ! dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true src/Faultline.Cli -o "$OUT/cli" >"$LOGS/build.log" 2>&1; then
    tail -n 40 "$LOGS/build.log" >&2
    die "dotnet build failed (full log: $LOGS/build.log)"
  fi
  DLL="$OUT/cli/faultline.dll"
  [ -f "$DLL" ] || die "build produced no $DLL (is AssemblyName 'faultline'?)"
  FL=(dotnet "$DLL")
  FL_NOTE="Faultline: dotnet $DLL (Release, ReadyToRun)"
fi

# --- generate the systems --------------------------------------------------------
declare -A OBJECTS BYTES
for s in "${SIZES[@]}"; do
  dir="$OUT/svc-$s"
  rm -rf "$dir" "$dir-kustomize"
  summary=$(node "$BENCH/generate.js" "$dir" "$s")
  OBJECTS[$s]=$(sed -n 's/.*objects=\([0-9]*\).*/\1/p' <<<"$summary")
  BYTES[$s]=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$summary")
  say "== generated $dir: $summary"
done

# --- measuring -------------------------------------------------------------------
# timed NAME ERRLOG CMD...: runs CMD once under /usr/bin/time with stdout to
# /dev/null and stderr to ERRLOG; prints "SECONDS PEAK_KB". Aborts on failure.
timed() {
  local name=$1 errlog=$2; shift 2
  local tf
  tf=$(mktemp)
  if ! /usr/bin/time -f '%e %M' -o "$tf" "$@" >/dev/null 2>"$errlog"; then
    tail -n 20 "$errlog" >&2
    rm -f "$tf"
    die "$name failed: $* (stderr: $errlog)"
  fi
  tail -n 1 "$tf"
  rm -f "$tf"
}

# bench NAME ERRLOG CMD...: one untimed warm-up, then RUNS timed runs; prints
# "MEDIAN_SECONDS PEAK_KB" (peak = largest max-RSS over the timed runs).
bench() {
  local name=$1 errlog=$2; shift 2
  timed "$name" "$errlog" "$@" >/dev/null
  local secs=() peak=0 res t m i
  for ((i = 1; i <= RUNS; i++)); do
    res=$(timed "$name" "$errlog" "$@")
    read -r t m <<<"$res"
    say "   $name run $i: ${t}s, $((m / 1024)) MB"
    secs+=("$t")
    if ((m > peak)); then peak=$m; fi
  done
  local median
  median=$(printf '%s\n' "${secs[@]}" | sort -g | awk '{a[NR]=$1} END{if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}')
  echo "$median $peak"
}

declare -A FL_S FL_KB JS_S JS_KB
KUST_S="" KUST_KB=""
for s in "${SIZES[@]}"; do
  dir="$OUT/svc-$s"
  say "== size $s: ${OBJECTS[$s]} objects"
  res=$(bench faultline "$LOGS/faultline-$s.err" "${FL[@]}" check "$dir" --format json --fail-on none)
  read -r t m <<<"$res"; FL_S[$s]=$t; FL_KB[$s]=$m
  res=$(bench js-yaml "$LOGS/js-yaml-$s.err" node "$BENCH/parse-only.js" "$dir")
  read -r t m <<<"$res"; JS_S[$s]=$t; JS_KB[$s]=$m
  docs=$(sed -n 's/^\([0-9]*\) documents.*/\1/p' "$LOGS/js-yaml-$s.err")
  [ "$docs" = "${OBJECTS[$s]}" ] || die "js-yaml parsed $docs documents, generator wrote ${OBJECTS[$s]}"
  if [ "$s" = "$GOAL_SIZE" ] && [ "${SKIP_KUSTOMIZE:-0}" != 1 ]; then
    if command -v kubectl >/dev/null; then
      say "   kubectl kustomize (once; takes a while)"
      res=$(timed kustomize "$LOGS/kustomize-$s.err" kubectl kustomize --load-restrictor LoadRestrictionsNone "$dir-kustomize")
      read -r KUST_S KUST_KB <<<"$res"
      say "   kustomize: ${KUST_S}s, $((KUST_KB / 1024)) MB"
    else
      say "   kubectl not found: skipping kustomize"
    fi
  fi
done

# --- report ----------------------------------------------------------------------
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN{ if (b + 0 == 0) print "n/a"; else printf f "\n", a / b }'; }
mb() { awk -v k="$1" 'BEGIN{ printf "%.0f\n", k / 1024 }'; }

{
  echo
  echo "Faultline check-scale benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, median of $RUNS runs)"
  echo "$FL_NOTE"
  echo "MB = MiB; times are whole-process wall times; peak = max resident set size"
  echo
  printf '%8s %8s %7s | %9s %8s | %9s %8s | %8s | %9s %8s %8s\n' \
    services objects MB "fl s" "fl MB" "js-yaml s" "js MB" "fl/js" "kust s" "kust MB" "kust/fl"
  printf '%s\n' "------------------------------------------------------------------------------------------------------------"
  for s in "${SIZES[@]}"; do
    ks="-" km="-" kr="-"
    if [ "$s" = "$GOAL_SIZE" ] && [ -n "$KUST_S" ]; then
      ks=$KUST_S; km=$(mb "$KUST_KB"); kr=$(div "$KUST_S" "${FL_S[$s]}" "%.1f")
    fi
    printf '%8s %8s %7.1f | %9s %8s | %9s %8s | %8s | %9s %8s %8s\n' \
      "$s" "${OBJECTS[$s]}" "$(awk -v b="${BYTES[$s]}" 'BEGIN{print b/1048576}')" \
      "${FL_S[$s]}" "$(mb "${FL_KB[$s]}")" "${JS_S[$s]}" "$(mb "${JS_KB[$s]}")" \
      "$(div "${FL_S[$s]}" "${JS_S[$s]}")" "$ks" "$km" "$kr"
  done
  echo
  echo "Per-object cost (ms per 1000 objects; flat across sizes = linear growth):"
  printf '%8s %8s | %12s %12s\n' services objects faultline js-yaml
  for s in "${SIZES[@]}"; do
    k=$(awk -v o="${OBJECTS[$s]}" 'BEGIN{print o/1000}')
    printf '%8s %8s | %12s %12s\n' "$s" "${OBJECTS[$s]}" \
      "$(div "$(awk -v t="${FL_S[$s]}" 'BEGIN{print t*1000}')" "$k" "%.1f")" \
      "$(div "$(awk -v t="${JS_S[$s]}" 'BEGIN{print t*1000}')" "$k" "%.1f")"
  done
  if [ "${#SIZES[@]}" -gt 1 ]; then
    first=${SIZES[0]} last=${SIZES[${#SIZES[@]}-1]}
    a=$(div "${FL_S[$first]}" "${OBJECTS[$first]}" "%.9f")
    b=$(div "${FL_S[$last]}" "${OBJECTS[$last]}" "%.9f")
    echo "faultline per-object cost at $last services is $(div "$b" "$a") x that at $first services (1.00 = linear)"
  fi
  echo
} | tee "$OUT/results.txt"

status=0
if [ -n "${FL_S[$GOAL_SIZE]:-}" ]; then
  ratio=$(div "${FL_S[$GOAL_SIZE]}" "${JS_S[$GOAL_SIZE]}")
  peak=$(mb "${FL_KB[$GOAL_SIZE]}")
  ok_ratio=$(awk -v r="$ratio" -v g="$GOAL_RATIO" 'BEGIN{print (r != "n/a" && r + 0 <= g) ? "yes" : "no"}')
  ok_peak=$(awk -v p="$peak" -v g="$GOAL_PEAK_MB" 'BEGIN{print (p + 0 < g) ? "yes" : "no"}')
  if [ "$ok_ratio" = yes ] && [ "$ok_peak" = yes ]; then verdict="GOALS HOLD"; else verdict="GOALS NOT MET"; status=1; fi
  line="$verdict at $GOAL_SIZE services: faultline/js-yaml = $ratio (goal <= $GOAL_RATIO: $ok_ratio), faultline peak = $peak MB (goal < $GOAL_PEAK_MB: $ok_peak)"
else
  line="GOALS NOT EVALUATED: size $GOAL_SIZE was not measured"
fi
[ -n "${FAULTLINE:-}" ] && line="$line [FAULTLINE override in use]"
echo "$line" | tee -a "$OUT/results.txt"

if [ "${STRICT:-0}" = 1 ]; then exit "$status"; fi
