#!/bin/sh
# A Redis data node of the ha profile (docker-compose.yml: ha-redis-1 starts as
# the master, ha-redis-2 as its replica; after a failover the sentinels swap
# them, so both carry the same users and replication credentials).
# Usage: ha-redis.sh <announced host name> [replicaof host]
# Users (ACL file written here from the environment, mode 0600, so no password
# is in the image, a volume or the command line):
#   gestao      the app (cache and broker): everything but administration
#   replica     replication only (the other node's PSYNC)
#   sentinel    what Sentinel needs to monitor and fail over (Redis' documented set)
#   monitoring  redis_exporter: INFO, CONFIG GET, latency and slowlog reads
#   default     off: nobody connects anonymously
set -eu
announce="$1"
replicaof="${2:-}"  # read before `set --` below replaces the arguments
umask 077
cat > /tmp/users.acl <<ACL
user default off
user gestao on >$REDIS_PASSWORD ~* &* +@all -@admin
user replica on >$REDIS_HA_PASSWORD +psync +replconf +ping
user sentinel on >$REDIS_HA_PASSWORD allchannels +multi +slaveof +ping +exec +subscribe +config|rewrite +role +publish +info +client|setname +client|kill +script|kill
user monitoring on >$MONITORING_PASSWORD -@all +@connection +info +ping +config|get +latency|latest +latency|histogram +slowlog|get +slowlog|len +client|setname
ACL
set -- --aclfile /tmp/users.acl --appendonly yes \
    --maxmemory 1gb --maxmemory-policy volatile-lru \
    --masteruser replica --masterauth "$REDIS_HA_PASSWORD" \
    --replica-announce-ip "$announce"
if [ -n "$replicaof" ]; then
    set -- "$@" --replicaof "$replicaof" 6379
fi
exec redis-server "$@"
