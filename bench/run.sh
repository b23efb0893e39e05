#!/bin/sh
# make bench: microbenchmarks (Google Benchmark) and server load (loadgen vs moto_server).
set -eu
build="${1:-build}"
cd "$(dirname "$0")/.."
cmake --build "$build" --target iamd loadgen $(ls bench/*_bench.cc 2>/dev/null | xargs -n1 basename 2>/dev/null | sed 's/\.cc$//')
exec python3 bench/run.py "$build"
