#!/bin/bash
# The ha profile's PostgreSQL primary (docker-compose.yml, ha-postgres), run
# once by the official image on its first start (/docker-entrypoint-initdb.d).
# - "replicator": streaming replication only (pg_basebackup and the WAL
#   stream of ha-postgres-replica), from the compose network, with a password.
# - "monitoring": postgres_exporter's read-only role (pg_monitor), no data.
# Passwords come from the environment (compose reads them from .env): they
# are in no image, volume or command line.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v replication_password="$POSTGRES_REPLICATION_PASSWORD" \
    -v monitoring_password="$MONITORING_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'replication_password';
CREATE ROLE monitoring WITH LOGIN PASSWORD :'monitoring_password';
GRANT pg_monitor TO monitoring;
SQL

# The image's pg_hba.conf admits "all" databases, which never matches a
# replication connection: allow the replicator explicitly (scram, no trust).
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
