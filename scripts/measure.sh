#!/usr/bin/env bash
# What warroom costs a terminal: bytes written per second with the countdown ticking, CPU,
# memory and time to first frame, at 200x60 and 80x24, measured with ../shared/tools/tuimeter.py.
# Also the key-to-screen latency of a tick. Usage: scripts/measure.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
meter=${TUIMETER:-../shared/tools/tuimeter.py}
out=${OUT:-target/measure}
mkdir -p "$out"
cargo build --release --quiet
bin=target/release/warroom

for size in 200x60 80x24; do
    work=$(mktemp -d)
    # Idle: the launch-day view during a block, nothing but the countdown changing.
    python3 "$meter" --size "$size" --seconds "$seconds" --label "warroom idle $size" \
        --ready-marker "ends in" --out "$out/idle-$size.json" --screen "$out/idle-$size.txt" -- \
        "$bin" --db "$work/w.db" --log "$work/w.log" --operator meter --now 09:30
    # Ticking: a key every 2 s (space toggles the selected item), timed until the screen changes.
    python3 "$meter" --size "$size" --seconds "$((seconds / 2))" --label "warroom ticking $size" \
        --ready-marker "ends in" --key ' ' --key-at 3 --key-every 2 --out "$out/keys-$size.json" -- \
        "$bin" --db "$work/k.db" --log "$work/k.log" --operator meter --now 09:30
    rm -rf "$work"
done
python3 "$meter" --table "$out"/idle-*.json "$out"/keys-*.json
