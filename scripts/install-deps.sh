#!/bin/sh
# Installs from Debian 12 what building, running and testing iamd needs, and nothing already present.
# Usage: scripts/install-deps.sh [build|test]   (test adds the integration-test clients)
set -eu
want="${1:-build}"

missing=""
need_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $1"; }

for p in g++ cmake ninja-build make pkg-config libboost1.81-dev libboost-json1.81-dev libssl-dev \
         libsqlite3-dev libargon2-dev libqrencode-dev zlib1g-dev libjemalloc-dev libspdlog-dev libfmt-dev \
         libcli11-dev libgtest-dev \
         libbenchmark-dev ca-certificates; do
  need_pkg "$p"
done

if [ "$want" = test ]; then
  # The integration tests drive iamd with boto3 and the AWS CLI through whichever python3 is first on
  # PATH; Debian's packages are installed only where that python3 lacks them.
  command -v python3 >/dev/null 2>&1 || missing="$missing python3"
  if ! python3 -c 'import boto3' >/dev/null 2>&1; then need_pkg python3-boto3; fi
  command -v aws >/dev/null 2>&1 || need_pkg awscli
  command -v clang++ >/dev/null 2>&1 || need_pkg clang
  command -v openssl >/dev/null 2>&1 || need_pkg openssl
  # Token expiry is tested with the clock moved (tests/integration/test_expiry.py), iamd then
  # running on tcmalloc: libfaketime and jemalloc cannot start together.
  command -v faketime >/dev/null 2>&1 || need_pkg faketime
  need_pkg libtcmalloc-minimal4
  # The differential test and the AWS SDK for JavaScript test run on Node.js with npm packages.
  command -v node >/dev/null 2>&1 || need_pkg nodejs
  command -v npm >/dev/null 2>&1 || need_pkg npm
fi

if [ -n "$missing" ]; then
  echo "installing:$missing"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
