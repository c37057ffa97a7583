#!/usr/bin/env bash
# A feeder's cost to the load generator (issue 14 item 4): hotbench at the
# same open-model rate against the same loopback target, once with a fixed
# endpoint and once with an endpoint that takes each request from a
# 1,000,000-row CSV file (random order, the id in the path, the size class
# in a header, group_by size). The two take turns, the order rotating from
# round to round. Prints, for each, the median CPU per request (user +
# system time of the process over the requests it completed), the peak
# RSS, the CPU of loading the file once, and the feeder's overhead per
# request apart from that load. The bars: at most 10 % more CPU per
# request at 3,000/s, and under 200 MB RSS with the million rows.
#
#   bench/feeder.sh [rounds=5] [seconds=10] [rate=3000] [rows=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}; secs=${2:-10}; rate=${3:-3000}; rows=${4:-1000000}
out=bench/out/feeder; mkdir -p "$out"
export PATH="/usr/local/go/bin:$PATH"
command -v jq >/dev/null || { echo "needs jq (apt-get install -y jq)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install -y time)" >&2; exit 1; }

hotbench=${HOTBENCH:-$out/hotbench}
[ -n "${HOTBENCH:-}" ] || go build -o "$hotbench" ./cmd/hotbench
go build -o "$out/target" ./bench/target

addr=127.0.0.1:18085
"$out/target" -addr "$addr" & target=$!
trap 'kill $target 2>/dev/null' EXIT
sleep 0.5

awk -v n="$rows" 'BEGIN {
	print "id,size,title"
	split("small medium large", s, " ")
	for (i = 0; i < n; i++) printf "%d,%s,Manual %d of the catalog\n", 1000000 + i, s[i % 3 + 1], i
}' >"$out/ids.csv"

load="{rate: $rate/s, duration: ${secs}s, warmup: 0s, retries: 0, timeout: 10s}"
cat >"$out/fixed.yaml" <<YAML
name: bench-fixed
target: http://$addr
load: $load
runs: 1
endpoints: [{name: manual, path: /api/manuals/1000001, headers: {X-Size: small}}]
YAML
cat >"$out/feeder.yaml" <<YAML
name: bench-feeder
target: http://$addr
load: $load
runs: 1
endpoints:
  - name: manual
    path: /api/manuals/{{.id}}
    headers: {X-Size: "{{.size}}"}
    data: ids.csv
    data_order: random
    group_by: size
YAML

# one NAME: one run of NAME.yaml; appends µs/req and peak RSS (MB).
one() {
	rm -rf "$out/results"
	/usr/bin/time -f '%U %S %M' -o "$out/time" "$hotbench" run "$out/$1.yaml" --results "$out/results" --json \
		>"$out/$1.json" 2>"$out/$1.err" || true
	local n c r
	n=$(jq '.endpoints[0].requests' "$out/$1.json")
	c=$(awk -v n="$n" 'END {printf "%.1f", (n > 0 ? 1e6 * ($1 + $2) / n : 0)}' "$out/time")
	r=$(awk 'END {printf "%.1f", $3 / 1024}' "$out/time")
	printf '  %-6s %6s µs/req, peak RSS %6s MB (%s requests)\n' "$1" "$c" "$r" "$n"
	eval "$1_cpu+=($c); $1_rss+=($r)"
}
# load: the CPU seconds of reading the data file once (validate loads the
# scenario and nothing else), so a run's cost splits into the file's
# one-time load and each request's templating.
load_cpu=()
load() {
	/usr/bin/time -f '%U %S %M' -o "$out/time" "$hotbench" validate "$out/feeder.yaml" >/dev/null 2>&1
	load_cpu+=("$(awk 'END {printf "%.3f", $1 + $2}' "$out/time")")
	printf '  load   %6s s CPU, peak RSS %s MB (validate)\n' "${load_cpu[-1]}" "$(awk 'END {printf "%.1f", $3 / 1024}' "$out/time")"
}
fixed_cpu=(); fixed_rss=(); feeder_cpu=(); feeder_rss=()
for i in $(seq 1 "$rounds"); do
	echo "round $i"
	if ((i % 2)); then one fixed; one feeder; else one feeder; one fixed; fi
	load
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
fc=$(median "${fixed_cpu[@]}"); dc=$(median "${feeder_cpu[@]}")
fr=$(median "${fixed_rss[@]}"); dr=$(median "${feeder_rss[@]}")
printf 'median: fixed %s µs/req, %s MB; feeder (%s rows) %s µs/req, %s MB\n' "$fc" "$fr" "$rows" "$dc" "$dr"
lc=$(median "${load_cpu[@]}")
n=$(jq '.endpoints[0].requests' "$out/feeder.json")
awk -v a="$fc" -v b="$dc" -v l="$lc" -v n="$n" 'BEGIN {
	printf "loading the file once: %s s of CPU (%.1f µs over each of the run'"'"'s %d requests)\n", l, 1e6 * l / n, n
	printf "feeder overhead per request: %+.1f%% CPU (bar: <= 10%%); with the one-time load: %+.1f%%\n", 100 * ((b - 1e6 * l / n) / a - 1), 100 * (b / a - 1)
}'
