#!/bin/sh
# CTest entry point for integration.js_sdk: run_test.sh IAMD_BIN
# The AWS SDK for JavaScript v3 (client-sts, client-iam, credential-providers) against iamd.
# Exit 77 (CTest skip) when node or npm is missing or too old; installs the locked packages with
# `npm ci` when node_modules is missing.
set -eu
cd "$(dirname "$0")"
iamd="${1:?usage: run_test.sh IAMD_BIN}"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "js_sdk: SKIPPED: node and npm are needed (apt-get install nodejs npm)"
  exit 77
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "js_sdk: SKIPPED: node >= 18 needed, found $(node --version)"
  exit 77
fi
if [ ! -d node_modules/@aws-sdk/client-sts ] || [ ! -d node_modules/@aws-sdk/credential-providers ] \
   || [ ! -d node_modules/@aws-sdk/client-iam ]; then
  echo "js_sdk: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi
IAMD_BIN="$iamd" exec node --test sts.test.mjs
