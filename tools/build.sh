#!/usr/bin/env bash
# Compiles every app, lib and tool with swc into dist/ (path aliases rewritten to relative requires), then copies the
# ES-module runner scripts that swc must not turn into CommonJS, then builds the web terminal (Vite) into
# dist/apps/web-terminal/site, which the gateway serves at /.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npx swc apps libs tools -d dist --quiet --only '**/*.ts' --ignore '**/*.spec.ts,**/*.integration-spec.ts,**/*.e2e-spec.ts,apps/web-terminal/**'
find apps libs tools -name '*.mjs' -not -path '*/node_modules/*' -exec cp --parents {} dist \;
VITE_CONFIG_NATIVE_IGNORE_WARNING=true npx vite build --config apps/web-terminal/vite.config.mts --logLevel warn
