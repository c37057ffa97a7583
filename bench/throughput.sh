#!/usr/bin/env bash
# Throughput at rate: max, hotbench against the vegeta CLI at the same settings
# (closed model, same workers, same window, same loopback target), alternating
# so that machine noise hits both alike. Prints the median requests/s of each
# and their ratio; the bar is hotbench/vegeta >= 1.5 with histograms on
# (issue 10). HOTBENCH=path measures that hotbench binary instead of one
# built from this tree (an older build, for a before and after).
#
#   bench/throughput.sh [rounds] [seconds] [workers]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}; secs=${2:-5}; workers=${3:-32}
out=bench/out/throughput; mkdir -p "$out"
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

hotbench=${HOTBENCH:-$out/hotbench}
[ -n "${HOTBENCH:-}" ] || go build -o "$hotbench" ./cmd/hotbench
go build -o "$out/target" ./bench/target
command -v vegeta >/dev/null || GOFLAGS= go install github.com/tsenart/vegeta/v12@v12.13.0
command -v jq >/dev/null || { echo "needs jq (apt-get install -y jq)" >&2; exit 1; }

addr=127.0.0.1:18080
"$out/target" -addr "$addr" & target=$!
trap 'kill $target 2>/dev/null' EXIT
sleep 0.5

cat > "$out/max.yaml" <<YAML
name: bench-max
target: http://$addr
load: {rate: max, workers: $workers, duration: ${secs}s, timeout: 10s}
runs: 1
endpoints: [{name: root, path: /}]
YAML

hb=(); vg=()
for i in $(seq "$rounds"); do
	r=$("$hotbench" run "$out/max.yaml" --results "$out/results" --json 2>/dev/null | jq '.endpoints[0].rps')
	hb+=("$r")
	v=$(vegeta attack -rate=0 -max-workers="$workers" -workers="$workers" -duration="${secs}s" \
		-targets=<(echo "GET http://$addr/") | vegeta report -type=json | jq '.rate')
	vg+=("$v")
	printf 'round %d: hotbench %.0f req/s, vegeta %.0f req/s\n' "$i" "$r" "$v"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mh=$(median "${hb[@]}"); mv=$(median "${vg[@]}")
awk -v h="$mh" -v v="$mv" 'BEGIN {printf "median: hotbench %.0f req/s, vegeta %.0f req/s, ratio %.3f (bar: >= 1.5)\n", h, v, h/v}'
