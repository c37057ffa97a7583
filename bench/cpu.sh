#!/usr/bin/env bash
# The load generator's own cost: CPU per request (user + system time of the
# process, divided by the requests it completed) of hotbench, the vegeta CLI
# and hey at the same open-model rate against the same loopback target. The
# three take turns within each round, the order rotating from round to round,
# so that machine noise hits them alike. Prints the median of each, the ratios
# hotbench/hey and hotbench/vegeta (the bar: hotbench/hey <= 1), and hotbench's
# send-lag p99 (from run --json).
#
#   bench/cpu.sh [rounds=5] [seconds=10] [rate=3000]
#
# hey paces each of its workers separately (-q per worker), so it runs with
# `workers` workers at rate/workers each; vegeta runs `attack -rate` with its
# defaults; hotbench runs one repetition of the window without warm-up or
# retries, so every request it makes is counted. The CPU includes each tool's
# start-up (a few milliseconds against seconds of load). HOTBENCH=path
# measures that hotbench binary instead of one built from this tree;
# BASELINE=path measures another one in the same rounds (an older build,
# for a before and after on equal terms).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}; secs=${2:-10}; rate=${3:-3000}
workers=${HEY_WORKERS:-50}
out=bench/out/cpu; mkdir -p "$out"
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

hotbench=${HOTBENCH:-$out/hotbench}
[ -n "${HOTBENCH:-}" ] || go build -o "$hotbench" ./cmd/hotbench
go build -o "$out/target" ./bench/target
command -v vegeta >/dev/null || GOFLAGS= go install github.com/tsenart/vegeta/v12@v12.13.0
command -v hey >/dev/null || { echo "needs hey (apt-get install -y hey)" >&2; exit 1; }
command -v jq >/dev/null || { echo "needs jq (apt-get install -y jq)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install -y time)" >&2; exit 1; }

addr=127.0.0.1:18083
"$out/target" -addr "$addr" & target=$!
trap 'kill $target 2>/dev/null' EXIT
sleep 0.5

cat > "$out/cpu.yaml" <<YAML
name: bench-cpu
target: http://$addr
load: {rate: $rate/s, duration: ${secs}s, warmup: 0s, retries: 0, timeout: 10s}
runs: 1
endpoints: [{name: root, path: /}]
YAML

# cpu FILE: user + system seconds that /usr/bin/time -f '%U %S' wrote.
cpu() { awk 'END {print $1 + $2}' "$1"; }
# perreq CPU REQUESTS: microseconds of CPU per request.
perreq() { awk -v c="$1" -v n="$2" 'BEGIN {printf "%.1f", (n > 0 ? 1e6 * c / n : 0)}'; }

# run_hotbench BINARY: one run; sets n (requests), c (µs/req), l (lag ms).
run_hotbench() {
	rm -rf "$out/results"
	/usr/bin/time -f '%U %S' -o "$out/time" "$1" run "$out/cpu.yaml" --results "$out/results" --json \
		>"$out/hotbench.json" 2>"$out/hotbench.err" || true
	n=$(jq '.endpoints[0].requests' "$out/hotbench.json")
	c=$(perreq "$(cpu "$out/time")" "$n")
	l=$(jq '.endpoints[0].send_lag.p99 * 1000' "$out/hotbench.json")
}
hotbench_() {
	run_hotbench "$hotbench"
	hb+=("$c"); lag+=("$l")
	printf '  hotbench %6s µs/req (%s requests, send lag p99 %.2f ms)\n' "$c" "$n" "$l"
}
baseline_() {
	run_hotbench "$BASELINE"
	bl+=("$c"); blag+=("$l")
	printf '  baseline %6s µs/req (%s requests, send lag p99 %.2f ms)\n' "$c" "$n" "$l"
}
vegeta_() {
	/usr/bin/time -f '%U %S' -o "$out/time" vegeta attack -rate="$rate/s" -duration="${secs}s" \
		-targets=<(echo "GET http://$addr/") -output="$out/vegeta.bin"
	local n
	n=$(vegeta report -type=json "$out/vegeta.bin" | jq '.requests')
	vg+=("$(perreq "$(cpu "$out/time")" "$n")")
	printf '  vegeta   %6s µs/req (%s requests)\n' "${vg[-1]}" "$n"
}
hey_() {
	local q
	q=$(awk -v r="$rate" -v w="$workers" 'BEGIN {print r / w}')
	/usr/bin/time -f '%U %S' -o "$out/time" hey -z "${secs}s" -c "$workers" -q "$q" "http://$addr/" >"$out/hey.txt"
	local n
	n=$(awk '/responses$/ {n += $2} END {print n + 0}' "$out/hey.txt")
	hy+=("$(perreq "$(cpu "$out/time")" "$n")")
	printf '  hey      %6s µs/req (%s requests)\n' "${hy[-1]}" "$n"
}

hb=(); vg=(); hy=(); lag=(); bl=(); blag=()
tools=(hotbench_ vegeta_ hey_)
[ -z "${BASELINE:-}" ] || tools+=(baseline_)
k=${#tools[@]}
for i in $(seq "$rounds"); do
	echo "round $i ($(uptime | sed 's/.*load/load/'))"
	for j in $(seq 0 $((k - 1))); do
		"${tools[$(((i + j - 1) % k))]}"
	done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mh=$(median "${hb[@]}"); mv=$(median "${vg[@]}"); my=$(median "${hy[@]}"); ml=$(median "${lag[@]}")
awk -v h="$mh" -v v="$mv" -v y="$my" -v l="$ml" -v r="$rate" 'BEGIN {
	printf "median CPU per request at %d/s: hotbench %.1f µs, vegeta %.1f µs, hey %.1f µs\n", r, h, v, y
	printf "ratios: hotbench/hey %.2f (bar: <= 1), hotbench/vegeta %.2f\n", h/y, h/v
	printf "hotbench send lag p99 (median of rounds): %.2f ms\n", l
}'
if [ -n "${BASELINE:-}" ]; then
	mb=$(median "${bl[@]}"); mbl=$(median "${blag[@]}")
	awk -v h="$mh" -v b="$mb" -v y="$my" -v v="$mv" -v l="$mbl" 'BEGIN {
		printf "baseline %.1f µs (baseline/hey %.2f, baseline/vegeta %.2f, send lag p99 %.2f ms); hotbench/baseline %.2f\n", b, b/y, b/v, l, h/b
	}'
fi
