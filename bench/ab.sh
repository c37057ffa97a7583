#!/usr/bin/env bash
# hotbench ab on real loopback servers: SESSIONS A/A sessions (base against a
# commit that changes only a comment), then SESSIONS sessions against 10 %
# more work per request and against 2 ms more. Prints, per kind, the gate's
# exit codes, how many sessions failed, and the blocks each used (the
# sequential design stops early once decided).
#
#   bench/ab.sh [sessions=6] [max-runs=20]
set -euo pipefail
cd "$(dirname "$0")/.."
sessions=${1:-6}; max=${2:-20}
out=bench/out; mkdir -p "$out"
export PATH="/usr/local/go/bin:$PATH"
go build -o "$out/hotbench" ./cmd/hotbench
repo="$out/ab-repo"; rm -rf "$repo"; mkdir -p "$repo"
read -r c0 c1 c2 c3 < <(go run ./bench/abrepo "$repo")
results="$out/ab-results"; rm -rf "$results"
cache="$out/ab-cache"

session() { # kind candidate-commit i; prints "code blocks"
	set +e
	"$out/hotbench" ab "$repo/hotbench.yaml" --base "$c0" --candidate "$2" --gate --json \
		--max-runs "$max" --seed "$3" --results "$results" --cache-dir "$cache" > "$out/ab-$1-$3.json" 2> "$out/ab-$1-$3.log"
	code=$?
	set -e
	blocks=$(grep -o '"blocks": [0-9]*' "$out/ab-$1-$3.json" | head -1 | grep -o '[0-9]*$' || echo "?")
	echo "$code $blocks"
}

for kind in aa:$c1 ten:$c2 twoms:$c3; do
	name=${kind%%:*}; commit=${kind#*:}
	codes=(); blocks=(); fails=0
	for i in $(seq 1 "$sessions"); do
		read -r code b < <(session "$name" "$commit" "$i")
		codes+=("$code"); blocks+=("$b")
		[ "$code" = 1 ] && fails=$((fails + 1))
	done
	printf '%-6s gate failed %d of %d; exit codes %s; blocks used %s (of %d)\n' \
		"$name" "$fails" "$sessions" "${codes[*]}" "${blocks[*]}" "$max"
done
