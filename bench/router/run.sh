#!/usr/bin/env bash
# Router throughput and added latency against nginx doing the same 90/10 split, in one run on this machine.
#   bash bench/router/run.sh [seconds per measurement, default 10]
# Needs nginx and wrk (apt-get install -y nginx wrk). Upstreams are nginx `return 200` servers, so the
# proxies, not the backends, are what is measured. Prints a table of requests per second and latencies.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
for tool in nginx wrk dotnet; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install -y nginx wrk)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/faultline-bench-router.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
stable=$(free_port); canary=$(free_port); split=$(free_port); router=$(free_port)

echo "building faultline (Release)..." >&2
dotnet publish src/Faultline.Cli -c Release -o "$work/faultline" -p:PublishReadyToRun=true >/dev/null

mkdir -p "$work/logs" "$work/tmp"
cat > "$work/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/tmp/body; proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi; uwsgi_temp_path $work/tmp/uwsgi; scgi_temp_path $work/tmp/scgi;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$stable; location / { return 200 "stable\n"; } }
  server { listen 127.0.0.1:$canary; location / { return 200 "canary\n"; } }
  upstream stable_up { server 127.0.0.1:$stable; keepalive 64; }
  upstream canary_up { server 127.0.0.1:$canary; keepalive 64; }
  split_clients "\${request_id}" \$variant { 90% stable_up; * canary_up; }
  server {
    listen 127.0.0.1:$split;
    location / { proxy_pass http://\$variant; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" &
pids+=($!)
"$work/faultline/faultline" router --listen "127.0.0.1:$router" --stable "http://127.0.0.1:$stable" --canary "http://127.0.0.1:$canary" --canary-weight 10 2>"$work/logs/router.log" &
pids+=($!)
for port in $stable $canary $split $router; do
  for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.05; done
done

# Warm both proxies (JIT, connection pools), then measure peak throughput.
wrk -t2 -c64 -d3s "http://127.0.0.1:$split/" >/dev/null
wrk -t2 -c64 -d3s "http://127.0.0.1:$router/" >/dev/null
rps() { wrk -t2 -c64 -d"${secs}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
nginx_rps=$(rps "http://127.0.0.1:$split/")
router_rps=$(rps "http://127.0.0.1:$router/")

# Latency at half the router's peak rate: 32 connections, each waiting so that together they send rate/2.
half=$(awk -v r="$router_rps" 'BEGIN {printf "%d", r / 2}')
delay_ms=$(awk -v h="$half" 'BEGIN {printf "%.3f", 32 * 1000 / h}')
cat > "$work/rate.lua" <<LUA
function delay() return $delay_ms end
LUA
latency() { wrk -t2 -c32 -d"${secs}s" --latency -s "$work/rate.lua" "$1" | awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Requests\/sec/ {r=$2} END {print p50, p99, r}'; }
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v} else if (v ~ /s$/) {sub(/s/,"",v); print v*1000} else print v }'; }
read -r d50 d99 drps < <(latency "http://127.0.0.1:$stable/")
read -r r50 r99 rrps < <(latency "http://127.0.0.1:$router/")
read -r n50 n99 nrps < <(latency "http://127.0.0.1:$split/")
d50=$(to_ms "$d50"); d99=$(to_ms "$d99"); r50=$(to_ms "$r50"); r99=$(to_ms "$r99"); n50=$(to_ms "$n50"); n99=$(to_ms "$n99")

echo
echo "router vs nginx split_clients, 90/10, nginx 'return 200' upstreams, wrk -t2 -c64, ${secs}s each, $(nproc) cores"
printf "| %-28s | %12s |\n" "peak throughput" "requests/s"
printf "| %-28s | %12s |\n" "----------------------------" "-----------:"
printf "| %-28s | %12.0f |\n" "nginx split_clients" "$nginx_rps"
printf "| %-28s | %12.0f |\n" "faultline router" "$router_rps"
printf "| %-28s | %11.2fx |\n" "router / nginx" "$(awk -v a="$router_rps" -v b="$nginx_rps" 'BEGIN {print a / b}')"
echo
echo "latency at half the router's peak ($half requests/s offered; wrk -c32 with a per-connection delay)"
printf "| %-20s | %9s | %9s | %10s |\n" "target" "p50 ms" "p99 ms" "requests/s"
printf "| %-20s | %9s | %9s | %10s |\n" "--------------------" "--------:" "--------:" "---------:"
printf "| %-20s | %9.3f | %9.3f | %10.0f |\n" "upstream directly" "$d50" "$d99" "$drps"
printf "| %-20s | %9.3f | %9.3f | %10.0f |\n" "nginx split_clients" "$n50" "$n99" "$nrps"
printf "| %-20s | %9.3f | %9.3f | %10.0f |\n" "faultline router" "$r50" "$r99" "$rrps"
printf "| %-20s | %9.3f | %9.3f | %10s |\n" "router added" "$(awk -v a="$r50" -v b="$d50" 'BEGIN {print a - b}')" "$(awk -v a="$r99" -v b="$d99" 'BEGIN {print a - b}')" ""
