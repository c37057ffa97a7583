#!/usr/bin/env bash
# The default gate on real loopback runs: PAIRS A/A pairs against a server of
# known shape (2 ms ± 20 % per request), then PAIRS pairs whose candidate is
# SHIFT slower. Prints the A/A false-alarm rate (exit 1 of the gate) and the
# power (share of shifted pairs the gate fails), with how many pairs were
# inconclusive (exit 3). Each side is `runs` repetitions of 1 s at 200/s.
#
#   bench/gate.sh [pairs=10] [shift=0.10] [runs=10]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-10}; shift_by=${2:-0.10}; runs=${3:-10}
out=bench/out; mkdir -p "$out"
export PATH="/usr/local/go/bin:$PATH"
go build -o "$out/hotbench" ./cmd/hotbench
go build -o "$out/target" ./bench/target

addr=127.0.0.1:18082
cat > "$out/gate.yaml" <<YAML
name: bench-gate
target: http://$addr
load: {rate: 200/s, duration: 1s, warmup: 500ms, timeout: 5s}
runs: $runs
endpoints: [{name: work, path: /work}]
YAML

target=""
serve() { # factor
	[ -n "$target" ] && kill "$target" 2>/dev/null && wait "$target" 2>/dev/null || true
	"$out/target" -addr "$addr" -delay 2ms -factor "$1" >/dev/null 2>&1 & target=$!
	sleep 0.3
}
trap '[ -n "$target" ] && kill $target 2>/dev/null' EXIT

results="$out/gate-results"; rm -rf "$results"
trial() { # label factor; sets code to the gate's exit code
	serve 1
	"$out/hotbench" run "$out/gate.yaml" --label "base-$1" --results "$results" >/dev/null 2>&1 || true
	serve "$2"
	"$out/hotbench" run "$out/gate.yaml" --label "cand-$1" --results "$results" >/dev/null 2>&1 || true
	code=0
	"$out/hotbench" gate "bench-gate@base-$1" "bench-gate@cand-$1" --results "$results" >"$out/gate-$1.txt" 2>&1 || code=$?
}

count() { # description label factor
	local fail=0 pass=0 other=0
	for i in $(seq 1 "$pairs"); do
		trial "$2-$i" "$3"
		case $code in
			0) pass=$((pass + 1)) ;; 1) fail=$((fail + 1)) ;; *) other=$((other + 1)) ;;
		esac
	done
	printf '%s: %d pairs, gate failed %d (%.1f %%), passed %d, inconclusive or error %d\n' \
		"$1" "$pairs" "$fail" "$(echo "100 * $fail / $pairs" | bc -l)" "$pass" "$other"
}

count "A/A" aa 1
count "candidate $shift_by slower" shift "$(echo "1 + $shift_by" | bc -l)"
