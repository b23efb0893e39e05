#!/bin/sh
# Builds every libFuzzer target with clang (ASan + UBSan) and runs each for a bounded time over its
# seed corpus. FUZZ_SECONDS sets the time per target (default 60).
set -eu
cd "$(dirname "$0")/../.."
seconds="${FUZZ_SECONDS:-60}"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DIAMD_FUZZ=ON -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" >/dev/null
for src in tests/fuzz/fuzz_*.cc; do
  name=$(basename "$src" .cc)
  cmake --build build-fuzz --target "$name"
  work="build-fuzz/corpus-$name"
  mkdir -p "$work" tests/fuzz/artifacts
  echo "fuzzing $name for ${seconds}s"
  "build-fuzz/tests/fuzz/$name" -max_total_time="$seconds" -artifact_prefix=tests/fuzz/artifacts/ \
    "$work" "tests/fuzz/corpus/$name"
done
