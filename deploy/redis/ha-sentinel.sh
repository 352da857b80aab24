#!/bin/sh
# A Redis Sentinel of the ha profile (docker-compose.yml: ha-sentinel-1..3).
# Usage: ha-sentinel.sh <announced host name>
# Three sentinels, quorum 2: a master unreachable for 5 s is failed over to
# the replica, and the app (REDIS_SENTINELS) follows. The config is written
# here from the environment on every start (Sentinel rewrites its own file).
# Anonymous clients (the app's redis-py and Celery) may only ask where the
# master is; the sentinels talk to each other, and to the Redis nodes, as the
# ACL user "sentinel"; redis_exporter reads as "monitoring". ACL rules may name
# only commands a sentinel has (no LATENCY, SLOWLOG, CONFIG): others stop it.
set -eu
announce="$1"
umask 077
cat > /tmp/sentinel.conf <<CONF
port 26379
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
sentinel announce-ip $announce
user default on nopass -@all +ping +auth +hello +client|setname +sentinel|masters +sentinel|master +sentinel|get-master-addr-by-name +sentinel|replicas +sentinel|slaves +sentinel|sentinels
user sentinel on >$REDIS_HA_PASSWORD ~* &* +@all
user monitoring on >$MONITORING_PASSWORD -@all +@connection +info +ping +sentinel|masters +sentinel|master +sentinel|sentinels +sentinel|slaves +sentinel|replicas +sentinel|ckquorum +client|setname
sentinel sentinel-user sentinel
sentinel sentinel-pass $REDIS_HA_PASSWORD
sentinel monitor gestao ha-redis-1 6379 2
sentinel auth-user gestao sentinel
sentinel auth-pass gestao $REDIS_HA_PASSWORD
sentinel down-after-milliseconds gestao 5000
sentinel failover-timeout gestao 60000
sentinel parallel-syncs gestao 1
CONF
exec redis-server /tmp/sentinel.conf --sentinel
