#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data directory (docker-entrypoint-initdb.d).
# The same roles and databases as deploy/local/db-setup.sh: one login role and database per service, except the
# audit log's, which audit_owner owns (and migrates) while the app role audit may only append to it.
# DEV ONLY: each role's password equals its name.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE intake LOGIN PASSWORD 'intake';
CREATE ROLE sharing LOGIN PASSWORD 'sharing';
CREATE ROLE audit LOGIN PASSWORD 'audit';
CREATE ROLE audit_owner LOGIN PASSWORD 'audit_owner';
CREATE DATABASE intake OWNER intake ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE sharing OWNER sharing ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE audit OWNER audit_owner ENCODING 'UTF8' TEMPLATE template0;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname audit <<'SQL'
ALTER SCHEMA public OWNER TO audit_owner;
SQL
