#!/usr/bin/env bash
# The one test command (README: "npm ci && npm test").
# 1. makes sure the Debian packages of the real test lab are installed (when root; with CI=true a missing package is fatal),
# 2. builds the CLI bundle (the CLI tests run it as a real process),
# 3. (whole runs only) the typecheck and the linter, so main stays clean,
# 4. runs every test file with Node's built-in test runner.
#   --unit    only the tests that need no lab (no root, no Debian packages)
#   FILES...  only these test files
set -euo pipefail
cd "$(dirname "$0")/.."
unit=0; files=()
for a in "$@"; do case "$a" in --unit) unit=1 ;; *) files+=("$a") ;; esac; done
if [ "$unit" = 0 ]; then bash scripts/ensure-debian-packages.sh; fi
node scripts/build.mjs >/dev/null
if [ ${#files[@]} -eq 0 ]; then
  npx tsc -p tsconfig.json --noEmit
  npx biome check src test lab scripts bench web
fi
if [ ${#files[@]} -eq 0 ]; then
  if [ "$unit" = 1 ]; then mapfile -t files < <(find test -name '*.test.ts' -not -path 'test/lab/*' -not -path 'test/integration/*' | sort)
  else mapfile -t files < <(find test -name '*.test.ts' | sort); fi
fi
# Suites that bring up a real lab (network namespaces, KDCs, Samba, Apache) run one at a time after the rest: two
# labs starting together on two cores miss their start-up deadlines.
lab=(); rest=()
for f in "${files[@]}"; do
  case "$f" in test/lab/*|test/*/lab-*|test/check/interop*|test/capture/lab.test.ts|test/integration/*) lab+=("$f") ;; *) rest+=("$f") ;; esac
done
status=0
if [ ${#rest[@]} -gt 0 ]; then node --import tsx --test --test-reporter=spec --test-concurrency=2 "${rest[@]}" || status=$?; fi
if [ ${#lab[@]} -gt 0 ]; then node --import tsx --test --test-reporter=spec --test-concurrency=1 "${lab[@]}" || status=$?; fi
exit $status
