#!/bin/bash
# The ha profile's streaming replica (docker-compose.yml, ha-postgres-replica).
# On an empty volume it clones the primary with pg_basebackup (-R writes
# standby.signal and primary_conninfo; -C -S creates a replication slot so the
# primary keeps the WAL this replica still needs), then starts PostgreSQL as a
# hot standby through the official entrypoint (which drops to the postgres
# user and skips initdb, the data directory being already there).
set -euo pipefail

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    until pg_isready -h "$PRIMARY_HOST" -p 5432 -q; do
        echo "waiting for the primary $PRIMARY_HOST"
        sleep 2
    done
    # The password reaches pg_basebackup through the environment, and the
    # connection string -R writes keeps it in the data directory (mode 0600),
    # never on a command line.
    gosu postgres env PGPASSWORD="$POSTGRES_REPLICATION_PASSWORD" \
        pg_basebackup -h "$PRIMARY_HOST" -p 5432 -U replicator -D "$PGDATA" \
        -X stream -R -C -S "${REPLICATION_SLOT:-ha_replica_1}" --checkpoint=fast
fi

exec docker-entrypoint.sh postgres -c hot_standby=on "$@"
