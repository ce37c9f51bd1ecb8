#!/usr/bin/env bash
# Router throughput, CPU per request and added latency against nginx doing the same 90/10 split, in one run.
#   bash bench/router/run.sh [seconds per measurement, default 10] [rounds, default 3]
# Needs nginx and wrk (apt-get install -y nginx wrk). Upstreams are nginx `return 200` servers, so the
# proxies, not the backends, are what is measured. The two proxies are measured in alternating rounds and the
# table shows medians, so a slow patch of a shared machine falls on both rather than on one.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
rounds=${2:-3}
for tool in nginx wrk dotnet python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install -y nginx wrk)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/faultline-bench-router.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in "$work"/*.pid; do kill "$(cat "$f" 2>/dev/null)" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
stable=$(free_port); canary=$(free_port); split=$(free_port); router=$(free_port); floor_http=$(free_port); floor_yarp=$(free_port)

echo "building faultline (Release)..." >&2
dotnet publish src/Faultline.Cli -c Release -o "$work/faultline" -p:PublishReadyToRun=true >/dev/null
dotnet publish bench/router/floor -c Release -o "$work/floor" -p:PublishReadyToRun=true >/dev/null

mkdir -p "$work/logs" "$work/tmp"
# Two nginx instances: the upstreams, and the split proxy, so the proxy's CPU can be read on its own.
nginx_conf() { # name, server blocks
  cat > "$work/$1.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/$1.pid;
error_log $work/logs/$1.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/tmp/$1-body; proxy_temp_path $work/tmp/$1-proxy;
  fastcgi_temp_path $work/tmp/$1-fastcgi; uwsgi_temp_path $work/tmp/$1-uwsgi; scgi_temp_path $work/tmp/$1-scgi;
  keepalive_requests 1000000;
  $2
}
CONF
}
nginx_conf upstreams "
  server { listen 127.0.0.1:$stable; location / { return 200 \"stable\n\"; } }
  server { listen 127.0.0.1:$canary; location / { return 200 \"canary\n\"; } }"
nginx_conf split "
  upstream stable_up { server 127.0.0.1:$stable; keepalive 64; }
  upstream canary_up { server 127.0.0.1:$canary; keepalive 64; }
  split_clients \"\${request_id}\" \$variant { 90% stable_up; * canary_up; }
  server {
    listen 127.0.0.1:$split;
    location / { proxy_pass http://\$variant; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
nginx -p "$work" -c "$work/upstreams.conf" &
pids+=($!)
nginx -p "$work" -c "$work/split.conf" &
pids+=($!)
"$work/faultline/faultline" router --listen "127.0.0.1:$router" --stable "http://127.0.0.1:$stable" --canary "http://127.0.0.1:$canary" --canary-weight 10 2>"$work/logs/router.log" &
router_pid=$!
pids+=($router_pid)
# The floors: the least a Kestrel proxy does per request, with and without YARP (floor/Program.cs).
"$work/floor/Faultline.Bench.RouterFloor" httpclient "$floor_http" "http://127.0.0.1:$stable/" 2>"$work/logs/floor-http.log" &
floor_http_pid=$!
pids+=($floor_http_pid)
"$work/floor/Faultline.Bench.RouterFloor" yarp "$floor_yarp" "http://127.0.0.1:$stable/" 2>"$work/logs/floor-yarp.log" &
floor_yarp_pid=$!
pids+=($floor_yarp_pid)
for port in $stable $canary $split $router $floor_http $floor_yarp; do
  for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.05; done
  curl -fs "http://127.0.0.1:$port/" >/dev/null || { echo "bench: nothing answers on 127.0.0.1:$port" >&2; cat "$work"/logs/* >&2; exit 1; }
done
split_workers=$(pgrep -P "$(cat "$work/split.pid")" | tr '\n' ' ')

# CPU time (clock ticks) of processes, to turn a run into CPU per request.
ticks() { for p in "$@"; do awk '{print $14 + $15}' "/proc/$p/stat"; done | awk '{s += $1} END {print s}'; }
hz=$(getconf CLK_TCK)
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v} else if (v ~ /s$/) {sub(/s/,"",v); print v*1000} else print v }'; }

# Warm both proxies (JIT and tiering, connection pools).
wrk -t2 -c64 -d5s "http://127.0.0.1:$split/" >/dev/null
wrk -t2 -c64 -d5s "http://127.0.0.1:$router/" >/dev/null
wrk -t2 -c64 -d5s "http://127.0.0.1:$floor_http/" >/dev/null
wrk -t2 -c64 -d5s "http://127.0.0.1:$floor_yarp/" >/dev/null

# Peak: requests/s and CPU per request of the proxy process(es) alone.
peak() { # url, pids...
  local url=$1; shift
  local before after out
  before=$(ticks "$@")
  out=$(wrk -t2 -c64 -d"${secs}s" "$url" | awk '/Requests\/sec/ {print $2}')
  after=$(ticks "$@")
  echo "$out $(awk -v t=$((after - before)) -v hz="$hz" -v r="$out" -v s="$secs" 'BEGIN {printf "%.1f", t * 1e6 / hz / (r * s)}')"
}
: > "$work/peak"
for r in $(seq 1 "$rounds"); do
  read -r nr nc < <(peak "http://127.0.0.1:$split/" $split_workers)
  read -r rr rc < <(peak "http://127.0.0.1:$router/" "$router_pid")
  read -r hr hc < <(peak "http://127.0.0.1:$floor_http/" "$floor_http_pid")
  read -r yr yc < <(peak "http://127.0.0.1:$floor_yarp/" "$floor_yarp_pid")
  echo "$nr $nc $rr $rc $hr $hc $yr $yc" >> "$work/peak"
  echo "round $r: nginx $nr req/s ($nc us CPU/request), router $rr req/s ($rc us), ratio $(awk -v a="$rr" -v b="$nr" 'BEGIN {printf "%.2f", a / b}'); floors: Kestrel+HttpClient $hr ($hc us), Kestrel+YARP $yr ($yc us)" >&2
done
nginx_rps=$(awk '{print $1}' "$work/peak" | median); nginx_cpu=$(awk '{print $2}' "$work/peak" | median)
router_rps=$(awk '{print $3}' "$work/peak" | median); router_cpu=$(awk '{print $4}' "$work/peak" | median)
ratio=$(awk '{print $3 / $1}' "$work/peak" | median)
http_rps=$(awk '{print $5}' "$work/peak" | median); http_cpu=$(awk '{print $6}' "$work/peak" | median)
yarp_rps=$(awk '{print $7}' "$work/peak" | median); yarp_cpu=$(awk '{print $8}' "$work/peak" | median)
http_ratio=$(awk '{print $5 / $1}' "$work/peak" | median); yarp_ratio=$(awk '{print $7 / $1}' "$work/peak" | median)
ratios=$(awk '{printf "%s%.2f", (NR > 1 ? ", " : ""), $3 / $1}' "$work/peak")

# Latency at half the router's peak rate: 32 connections, each waiting so that together they send rate/2.
half=$(awk -v r="$router_rps" 'BEGIN {printf "%d", r / 2}')
delay_ms=$(awk -v h="$half" 'BEGIN {printf "%.3f", 32 * 1000 / h}')
echo "function delay() return $delay_ms end" > "$work/rate.lua"
latency() { wrk -t2 -c32 -d"${secs}s" --latency -s "$work/rate.lua" "$1" | awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Requests\/sec/ {r=$2} END {print p50, p99, r}'; }
: > "$work/lat"
for r in $(seq 1 "$rounds"); do
  line=""
  for url in "http://127.0.0.1:$stable/" "http://127.0.0.1:$split/" "http://127.0.0.1:$router/" "http://127.0.0.1:$floor_yarp/"; do
    read -r p50 p99 rps < <(latency "$url")
    line="$line $(to_ms "$p50") $(to_ms "$p99") $rps"
  done
  echo "$line" >> "$work/lat"
  echo "round $r latency (p50 p99 ms, req/s; direct, nginx, router, Kestrel+YARP floor):$line" >&2
done
col() { awk -v c="$1" '{print $c}' "$work/lat" | median; }
d50=$(col 1); d99=$(col 2); drps=$(col 3); n50=$(col 4); n99=$(col 5); nrps=$(col 6); r50=$(col 7); r99=$(col 8); rrps=$(col 9); y50=$(col 10); y99=$(col 11); yrps=$(col 12)
added() { awk -v c="$1" -v d="$2" '{print $c - $d}' "$work/lat" | median; }
ra50=$(added 7 1); ra99=$(added 8 2); na50=$(added 4 1); na99=$(added 5 2); ya50=$(added 10 1); ya99=$(added 11 2)

echo
echo "router vs nginx split_clients, 90/10, nginx 'return 200' upstreams, wrk -t2 -c64, ${secs}s each, medians of $rounds alternating rounds, $(nproc) cores"
printf "| %-38s | %10s | %8s | %10s |\n" "peak" "requests/s" "vs nginx" "CPU us/req"
printf "| %-38s | %10s | %8s | %10s |\n" "--------------------------------------" "---------:" "-------:" "---------:"
printf "| %-38s | %10.0f | %8s | %10.1f |\n" "nginx split_clients" "$nginx_rps" "1.00x" "$nginx_cpu"
printf "| %-38s | %10.0f | %7.2fx | %10.1f |\n" "faultline router" "$router_rps" "$ratio" "$router_cpu"
printf "| %-38s | %10.0f | %7.2fx | %10.1f |\n" "floor: Kestrel + YARP forwarder" "$yarp_rps" "$yarp_ratio" "$yarp_cpu"
printf "| %-38s | %10.0f | %7.2fx | %10.1f |\n" "floor: Kestrel + HttpClient, no YARP" "$http_rps" "$http_ratio" "$http_cpu"
echo "router / nginx by round: $ratios (the table shows medians)"
echo
echo "latency at half the router's peak ($half requests/s offered; wrk -c32 with a per-connection delay)"
printf "| %-24s | %9s | %9s | %10s |\n" "target" "p50 ms" "p99 ms" "requests/s"
printf "| %-24s | %9s | %9s | %10s |\n" "------------------------" "--------:" "--------:" "---------:"
printf "| %-24s | %9.3f | %9.3f | %10.0f |\n" "upstream directly" "$d50" "$d99" "$drps"
printf "| %-24s | %9.3f | %9.3f | %10.0f |\n" "nginx split_clients" "$n50" "$n99" "$nrps"
printf "| %-24s | %9.3f | %9.3f | %10.0f |\n" "faultline router" "$r50" "$r99" "$rrps"
printf "| %-24s | %9.3f | %9.3f | %10.0f |\n" "floor: Kestrel + YARP" "$y50" "$y99" "$yrps"
printf "| %-24s | %9.3f | %9.3f | %10s |\n" "nginx added" "$na50" "$na99" ""
printf "| %-24s | %9.3f | %9.3f | %10s |\n" "router added" "$ra50" "$ra99" ""
printf "| %-24s | %9.3f | %9.3f | %10s |\n" "Kestrel + YARP added" "$ya50" "$ya99" ""
