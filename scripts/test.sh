#!/usr/bin/env bash
# The one test command (npm test, and .ci/run): provision what the tests need, build,
# type-check, lint, then run every test. Each step says what it is doing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "provision: Open vSwitch and network tools"
bash scripts/provision.sh

step "build (tsc)"
npx tsc -p tsconfig.json

step "type-check tests"
npx tsc -p tsconfig.test.json

step "lint and format check (biome)"
npx biome check .

step "tests (vitest): unit, then e2e (one file at a time), then load"
# Every tier (vitest.config.ts), in that order. The whole suite takes a few minutes; a
# hard cap turns a hung test into a failure that names itself instead of a CI job that
# runs out its clock.
timeout --kill-after=30s 25m npx vitest run "$@"
