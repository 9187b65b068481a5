#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty volume: one login role and one schema per service in
# the `coupons` database, so that each service can only touch its own tables (DESIGN §2: each service owns its data).
set -euo pipefail
password="${SERVICE_DB_PASSWORD:-coupons-dev}"
for svc in coupon_catalog wallet ordering; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE ${svc} LOGIN PASSWORD '${password}';
CREATE SCHEMA ${svc} AUTHORIZATION ${svc};
ALTER ROLE ${svc} SET search_path = ${svc};
-- Services run CREATE SCHEMA IF NOT EXISTS before migrating, which PostgreSQL checks against the database's CREATE
-- privilege even when the schema exists.
GRANT CREATE ON DATABASE ${POSTGRES_DB} TO ${svc};
SQL
done
