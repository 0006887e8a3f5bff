#!/usr/bin/env bash
# What warroom costs a terminal, measured with ../shared/tools/tuimeter.py:
#  1. the 4-panel job of the bar (health, error rate, deliveries, tickets from fakeapi.py,
#     2 s polls) at 200x60: bytes/s with the countdown ticking, CPU, RSS, first frame, and
#     change-to-screen latency (fakeapi values bumped, time until the screen shows them);
#  2. the checklist alone (no live sources) at 200x60 and 80x24;
#  3. a key press (space) to screen at 200x60;
#  4. 1,000 http sources on a 5 s interval in the real runtime, headless (examples/scale.rs:
#     CPU share of one core, RSS, frames/s, worst poll gap).
# Usage: scripts/measure.sh [seconds]   (results in target/measure/)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
tools=${TOOLS:-../shared/tools}
out=${OUT:-target/measure}
mkdir -p "$out"
cargo build --release --quiet
cargo build --release --quiet --example scale
bin=target/release/warroom
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

port=18080
export WARROOM_BENCH_API="http://127.0.0.1:$port"
# fakeapi's values take one random-walk step a second from its start, and 2 s polls on the
# clock's seconds see every other step: the even steps of seed 7 flap more around the error
# rate's threshold than the odd ones (bytes/s differ by a fifth). The job runs once for each,
# on a fresh fakeapi started 0.3 s into a second and warroom just after the next second (even)
# or the one after (odd): its first tick is then most of a second after its first frame, which
# tuimeter would otherwise count as part of it.
for steps in even odd; do
    offset=$([ "$steps" = even ] && echo 0.75 || echo 1.75)
    python3 -c "import time; t=time.time(); time.sleep(1 - t % 1 + 0.3)"
    python3 "$tools/fakeapi.py" --port "$port" --seed 7 > "$work/fakeapi.log" 2>&1 &
    fakeapi=$!
    sleep "$offset"
    python3 "$tools/tuimeter.py" --size 200x60 --seconds "$seconds" --label "warroom 4 panels 200x60 ($steps steps)" \
        --ready-marker "Support tickets" \
        --probe-url "http://127.0.0.1:$port/admin/set" --probe-set '{"deliveries.failed": 9100{n}}' \
        --probe-marker '9100{n} failed' --out "$out/panels-200x60-$steps.json" --screen "$out/panels-200x60-$steps.txt" -- \
        "$bin" --layout benches/fakeapi-4panel.toml --db "$work/p-$steps.db" --log "$work/p.log" --operator meter
    kill "$fakeapi"
    wait "$fakeapi" 2>/dev/null || true
done

for size in 200x60 80x24; do
    python3 "$tools/tuimeter.py" --size "$size" --seconds "$seconds" --label "warroom checklist $size" \
        --ready-marker "ends in" --out "$out/idle-$size.json" -- \
        "$bin" --layout layouts/minimal.toml --db "$work/i-$size.db" --log "$work/i.log" --operator meter --now 09:30
done

python3 "$tools/tuimeter.py" --size 200x60 --seconds 20 --label "warroom keys 200x60" \
    --ready-marker "ends in" --key ' ' --key-at 3 --key-every 2 --out "$out/keys-200x60.json" -- \
    "$bin" --layout layouts/minimal.toml --db "$work/k.db" --log "$work/k.log" --operator meter --now 09:30

target/release/examples/scale --sources 1000 --interval 5s --seconds "$seconds" | tee "$out/scale-1000.json"

python3 "$tools/tuimeter.py" --table "$out"/panels-200x60-*.json "$out"/idle-*.json "$out"/keys-200x60.json
