#!/usr/bin/env bash
# bench.sh: this server against net/http serving the same routes, under
# wrk, interleaved in one run. Usage (from the repository root):
#   examples/http/bench.sh [seconds per run] [repetitions] [connections]
# It prints wrk's Requests/sec for each run and the median ratio.
set -euo pipefail
secs=${1:-3} reps=${2:-3} conns=${3:-50}
bin=$(mktemp -d)/http
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./examples/http
"$bin" -impl asyncgen -addr 127.0.0.1:18091 >/dev/null &
"$bin" -impl nethttp -addr 127.0.0.1:18092 >/dev/null &
sleep 0.5
ours=() theirs=()
for _ in $(seq "$reps"); do
  a=$(wrk -t1 -c"$conns" -d"${secs}s" http://127.0.0.1:18091/hello | awk '/Requests\/sec/ {print $2}')
  b=$(wrk -t1 -c"$conns" -d"${secs}s" http://127.0.0.1:18092/hello | awk '/Requests\/sec/ {print $2}')
  echo "asyncgen $a req/s   net/http $b req/s"
  ours+=("$a") theirs+=("$b")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ma=$(median "${ours[@]}") mb=$(median "${theirs[@]}")
awk -v a="$ma" -v b="$mb" 'BEGIN {printf "median: asyncgen %.0f, net/http %.0f req/s: ratio %.2fx\n", a, b, a/b}'
