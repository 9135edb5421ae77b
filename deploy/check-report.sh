#!/usr/bin/env bash
# check-report.sh renders a job's report.html in headless Chromium and
# checks that the browser's DOM has every chart, drawn with bars, and that
# no script ran. It also saves a screenshot to look at. Not part of CI: it
# needs the Debian chromium package (apt-get install -y chromium).
#
# usage: deploy/check-report.sh path/to/report.html [screenshot.png]
set -euo pipefail

if [[ $# -lt 1 || ! -f $1 ]]; then
	echo "usage: $0 path/to/report.html [screenshot.png]" >&2
	exit 2
fi
report=$(realpath "$1")
shot=$(realpath -m "${2:-${report%.html}.png}")
browser=${CHROMIUM:-chromium}
charts=(intents confidence rejections turns noise label-flags)

profile=$(mktemp -d)
dom=$(mktemp)
trap 'rm -rf "$profile" "$dom"' EXIT

# Flags keep the browser off the network and away from first-run work, so
# any fetch the page attempted would fail instead of hiding a dependency.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--hide-scrollbars --user-data-dir="$profile")

"$browser" "${flags[@]}" --dump-dom "file://$report" >"$dom" 2>/dev/null
"$browser" "${flags[@]}" --window-size=900,2400 --screenshot="$shot" "file://$report" >/dev/null 2>&1

fail=0
for name in "${charts[@]}"; do
	# The chart's <svg> up to its closing tag; count its rectangles.
	svg=$(awk -v n="data-chart=\"$name\"" 'index($0, n) {on=1} on {print} on && /<\/svg>/ {exit}' "$dom")
	if [[ -z $svg ]]; then
		echo "FAIL chart $name: no <svg data-chart=\"$name\"> in the DOM"
		fail=1
		continue
	fi
	rects=$(grep -o '<rect' <<<"$svg" | wc -l)
	if grep -q 'No data' <<<"$svg"; then
		echo "ok   chart $name: empty (says No data)"
	elif [[ $rects -eq 0 ]]; then
		echo "FAIL chart $name: no bars"
		fail=1
	else
		echo "ok   chart $name: $rects bars"
	fi
done
if grep -qi '<script' "$dom"; then
	echo "FAIL the DOM has a <script> element"
	fail=1
fi
bubbles=$(grep -o 'class="turn ' "$dom" | wc -l)
echo "ok   $bubbles chat bubbles"
if [[ ! -s $shot ]]; then
	echo "FAIL no screenshot written"
	fail=1
else
	echo "ok   screenshot $shot ($(stat -c %s "$shot") bytes)"
fi
exit $fail
