#!/usr/bin/env bash
# `npm run e2e -- [--kafka apache|embedded] [jest args...]`: builds, then runs the end-to-end suite on one broker
# (E2E_KAFKA; default embedded). On apache each stack gets a fresh Apache Kafka of its own (libs/apache-kafka).
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
while (($#)); do
  case $1 in
    --kafka) export E2E_KAFKA=${2:-}; shift 2 || shift ;;
    --kafka=*) export E2E_KAFKA=${1#*=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case ${E2E_KAFKA:-embedded} in
  embedded | apache) ;;
  *) echo "--kafka must be apache or embedded, not '${E2E_KAFKA}'" >&2; exit 2 ;;
esac
npm run build --silent
# Says in one line what is missing (java, mvn) before any suite starts, and resolves Kafka's classpath once.
if [[ ${E2E_KAFKA:-embedded} == apache ]]; then node dist/libs/apache-kafka/src/cli.js --check; fi
exec npx jest -c apps/e2e/jest.config.js "${args[@]}"
