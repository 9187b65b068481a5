#!/usr/bin/env bash
# `npm test`: typecheck, lint, every project's unit and integration tests, build, then the end-to-end tests (the
# services as processes from dist/) on the embedded broker and on Apache Kafka. Every step runs even when an earlier
# one failed, so one run shows everything; the exit code is non-zero if any step failed. Unit and integration tests share one embedded PostgreSQL
# (TEST_DATABASE_URL), started here once instead of once per project.
set -uo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false FORCE_COLOR=0

log_dir=tmp/test-run
rm -rf "$log_dir" && mkdir -p "$log_dir"
failed_steps=()
step() { # step <name> <minutes> <command...>: runs a step, its output also kept in $log_dir/<name>.log
  local name=$1 minutes=$2; shift 2
  echo
  echo "=== $name: $*"
  local start=$SECONDS status
  # A step that hangs fails after its time budget (several times its usual length) instead of holding the whole run
  # past CI's limit; timeout signals the step's process group, SIGKILL 30 s later.
  timeout --kill-after=30s "${minutes}m" "$@" 2>&1 | tee "$log_dir/$name.log"
  status=${PIPESTATUS[0]}
  if ((status == 0)); then
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    ((status == 124 || status == 137)) && echo "=== $name: stopped after its budget of $minutes min"
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
    failed_steps+=("$name")
  fi
}

# One PostgreSQL for every jest run below; it stops when this script ends (its stdin is our pipe).
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/coupons-test-pg-XXXXXX")
pg_port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
coproc PG { exec node libs/testing/src/pg-runner.mjs "$pg_dir" "$pg_port" --ephemeral 2>"$log_dir/postgres.log"; }
pg_pid=$PG_PID
stop_pg() { kill -TERM "$pg_pid" 2>/dev/null && wait "$pg_pid" 2>/dev/null; rm -rf "$pg_dir"; }
trap stop_pg EXIT
if read -r -t 120 ready <&"${PG[0]}"; then
  TEST_DATABASE_URL=$(node -e 'console.log(JSON.parse(process.argv[1]).url)' "$ready")
  export TEST_DATABASE_URL
  echo "test PostgreSQL: $TEST_DATABASE_URL"
else
  echo "embedded PostgreSQL did not start:"; cat "$log_dir/postgres.log"; exit 1
fi

step typecheck 10 npm run typecheck --silent
# The module-boundary rule needs Nx's project graph; without it eslint silently skips the rule.
step lint 10 bash -c 'npx nx show projects > /dev/null && npx eslint apps libs tools'
step unit-and-integration 25 npx nx run-many -t test --parallel=1 --skip-nx-cache --outputStyle=static
step build 10 npm run build --silent
# The end-to-end suite twice: on the embedded broker, and on Apache Kafka (a fresh cluster per stack; needs java,
# and Maven or a resolved classpath: `npm run kafka -- --check` says what is missing).
if [[ " ${failed_steps[*]} " == *" build "* ]]; then
  echo "=== e2e, browser: skipped (the build failed)"; failed_steps+=("e2e-embedded" "e2e-apache" "browser")
else
  step e2e-embedded 25 env E2E_KAFKA=embedded npx jest -c apps/e2e/jest.config.js
  step e2e-apache 35 bash -c 'node dist/libs/apache-kafka/src/cli.js --check && E2E_KAFKA=apache npx jest -c apps/e2e/jest.config.js'
  # The web terminal in Debian's Chromium (playwright-core, headless), once, against a stack of its own.
  step browser 10 npx jest -c apps/e2e/browser.jest.config.js
fi

# Sum jest's own "Tests:" lines (and Vitest's "Tests  N passed") over every run into one closing line.
read -r passed failed skipped < <(cat "$log_dir"/*.log | sed 's/\x1b\[[0-9;]*m//g' | awk '
  /^Tests:/ || /^ *Tests  +[0-9]/ {
    for (i = 2; i <= NF; i++) {
      n = $i + 0; w = $(i + 1); gsub(/,/, "", w)
      if (w == "passed") p += n; else if (w == "failed") f += n; else if (w == "skipped" || w == "todo") s += n
    }
  }
  END { printf "%d %d %d\n", p, f, s }')
echo
if ((${#failed_steps[@]})); then
  echo "failed steps: ${failed_steps[*]}"
  # A step can fail without a failing test (typecheck, lint, a suite that does not load): never close on "0 failed".
  ((failed == 0)) && failed=${#failed_steps[@]}
else
  echo "all steps passed"
fi
echo "$passed passed, $failed failed, $skipped skipped"
((${#failed_steps[@]} == 0))
