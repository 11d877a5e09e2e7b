#!/usr/bin/env bash
# Runs every test: unit tests beside the code and end-to-end tests in test/e2e, from compiled output.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npx tsc -p tsconfig.json
# The dashboard's bundle (its size and serving are tested; the e2e test loads it in chromium).
node dist/scripts/build-dashboard.js
# Stale compiled tests of deleted sources must not run.
find dist -name '*.test.js' | while read -r f; do
  src="${f#dist/}"; src="${src%.js}.ts"
  [ -f "$src" ] || rm -f "$f" "$f.map"
done
# Only *.test.js files are tests: node's directory scan would also run every module under test/
# (the e2e support programs) as if it were one.
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(find dist/src dist/test -name '*.test.js' | sort); fi
# Files run K8TS_TEST_CONCURRENCY at a time (default 3): the e2e files mostly wait on the processes
# they start, and each keeps to its own data dir, ports and network namespaces.
node --test --test-reporter=spec --test-timeout=600000 --test-concurrency="${K8TS_TEST_CONCURRENCY:-3}" "${targets[@]}"
