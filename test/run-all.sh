#!/usr/bin/env bash
# `npm test`: installs what the tests need, builds, then runs every test level in order, stopping
# at the first level that fails:
#   unit (mocha, out/test/unit) -> LSP (the real server over stdio) -> integration (registry,
#   engine, the packaged .vsix: only when such tests exist) -> VS Code (the suite in a real
#   extension host) -> UI.
# Each level prints a header, its own output and its time; the last line sums mocha's
# "N passing" / "N failing" over the levels that ran.
#
# Arguments pick levels (`bash test/run-all.sh vscode ui`); none means all of them.
# DSH_SKIP_INSTALL=1 skips the npm/apt/code-server steps (for a machine already set up).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
logs="$root/test-results/run-all"
mkdir -p "$logs"

selected=("$@")
total_passed=0
total_failed=0
run_started=$(date +%s)

header() {
  printf '\n==== %s ====\n' "$1"
}

summary() {
  printf '\n%s passed, %s failed (%s s in all)\n' "$total_passed" "$total_failed" "$(( $(date +%s) - run_started ))"
}

fail() {
  printf '\nFAILED: %s\n' "$1"
  summary
  exit 1
}

# Runs a setup step; its output goes to the terminal as is.
step() {
  local name="$1"; shift
  header "$name"
  local started=$(date +%s)
  "$@" || fail "$name (exit $?)"
  printf -- '-- %s: done in %s s\n' "$name" "$(( $(date +%s) - started ))"
}

# Runs a test level under a time limit, keeps its output in test-results/run-all/<slug>.log and
# adds its mocha-style counts to the totals.
level() {
  local name="$1" slug="$2" limit="$3"; shift 3
  if [ "${#selected[@]}" -gt 0 ] && [[ " ${selected[*]} " != *" $slug "* ]]; then
    return 0
  fi
  header "$name"
  local started=$(date +%s)
  local log="$logs/$slug.log"
  timeout --kill-after=30 "$limit" "$@" 2>&1 | tee "$log"
  local code=${PIPESTATUS[0]}
  local passed failed
  # Summed over the mocha runs of the level (the VS Code level runs a second pass, test/vscode/again).
  # -a: a test may print a byte that is not text (hostile inputs), and grep then prints only "binary
  # file matches", which read as no passing test.
  passed=$(grep -aE '^[[:space:]]*[0-9]+ passing' "$log" | awk '{ n += $1 } END { if (NR) print n }')
  failed=$(grep -aE '^[[:space:]]*[0-9]+ failing' "$log" | awk '{ n += $1 } END { if (NR) print n }')
  total_passed=$(( total_passed + ${passed:-0} ))
  total_failed=$(( total_failed + ${failed:-0} ))
  if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
    fail "$name: no result within $limit"
  fi
  if [ "$code" -ne 0 ]; then
    # A crash before mocha's summary still counts as a failure.
    [ -z "${failed:-}" ] && total_failed=$(( total_failed + 1 ))
    fail "$name (exit $code; log: ${log#"$root"/})"
  fi
  if [ -z "${passed:-}" ] || [ "$passed" -eq 0 ]; then
    total_failed=$(( total_failed + 1 ))
    fail "$name reported no passing test"
  fi
  printf -- '-- %s: %s passed in %s s\n' "$name" "$passed" "$(( $(date +%s) - started ))"
}

# Dependencies: `npm ci` on a fresh checkout. When node_modules exists, `npm install` only if a
# declared dependency is missing or the lockfile changed since the last install (never wipe a
# working node_modules: on a developer machine other processes may be using it).
install_npm() {
  if [ ! -d node_modules ]; then
    npm ci --no-audit --no-fund
  elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || ! npm ls --depth=0 >/dev/null 2>&1; then
    npm install --no-audit --no-fund
  else
    echo "node_modules already matches package.json and package-lock.json"
  fi
}

has_tests() {
  [ -n "$(find "$1" -name '*.test.js' -print -quit 2>/dev/null)" ]
}

if [ "${DSH_SKIP_INSTALL:-}" != "1" ]; then
  step "npm dependencies" install_npm
  step "Debian packages (test/setup/apt-packages.txt)" bash test/setup/install-system-deps.sh
  step "code-server for the VS Code and UI tests" bash test/setup/install-code-server.sh
fi
step "build (tsc -b + esbuild bundles)" npm run --silent compile

level "unit tests" unit 10m npm run --silent test:unit
level "LSP tests (the server over stdio)" lsp 10m npm run --silent test:lsp
if has_tests out/test/integration; then
  level "integration tests (registry, engine, package)" integration 20m npx mocha --config test/.mocharc.integration.json
elif [ "${#selected[@]}" -eq 0 ]; then
  header "integration tests (registry, engine, package)"
  echo "skipped: no compiled tests in out/test/integration"
fi
level "VS Code integration tests" vscode 10m npm run --silent test:vscode
level "UI test (code-server in headless Chromium)" ui 10m npm run --silent test:ui

summary
