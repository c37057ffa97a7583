#!/usr/bin/env bash
# Memory and disk at 100,000 requests: 5,000 requests/s for 20 s against a
# loopback target. Prints hotbench's peak RSS and the run folder's size; the
# bars are 120 MB and 5 MB.
#
#   bench/memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
export PATH="/usr/local/go/bin:$PATH"
go build -o "$out/hotbench" ./cmd/hotbench
go build -o "$out/target" ./bench/target

addr=127.0.0.1:18081
"$out/target" -addr "$addr" & target=$!
trap 'kill $target 2>/dev/null' EXIT
sleep 0.5

cat > "$out/rss.yaml" <<YAML
name: bench-rss
target: http://$addr
load: {rate: 5000/s, duration: 20s, timeout: 10s}
runs: 1
endpoints: [{name: root, path: /}]
YAML

rm -rf "$out/rss-results"
/usr/bin/time -v "$out/hotbench" run "$out/rss.yaml" --results "$out/rss-results" --json \
	>"$out/rss.json" 2>"$out/rss.time"
rss_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$out/rss.time")
dir_kb=$(du -sk "$out/rss-results" | cut -f1)
requests=$(jq '.endpoints[0].requests' "$out/rss.json" 2>/dev/null || echo "?")
printf 'requests %s, peak RSS %.1f MB (bar: < 120 MB), run folder %d KB (bar: < 5 MB)\n' \
	"$requests" "$(echo "$rss_kb / 1024" | bc -l)" "$dir_kb"
