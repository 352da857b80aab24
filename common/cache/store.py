"""Redis access for the client cache: keys, generations, guarded writes, locks.

How the cache stays consistent with PostgreSQL (the source of truth):

* Every entry is stamped with the *generations* it was computed under
  (``epoch`` plus ``profiles`` or ``search``). A generation is a random token
  in Redis; bumping it (a new token) makes every entry stamped with the old one
  invalid on read. Reads fetch the generations and the entry in one MGET.
* Writes invalidate after commit (``transaction.on_commit``): they replace the
  per-client *invalidation tokens* (``inv:id:<id>``, ``inv:cpf:<cpf>``), delete
  the entries, and bump the ``search`` generation.
* Stale-set race: a reader reads the generations and tokens **before** its
  database read and stores its result with a Lua script that writes only if
  they are all unchanged. A write that committed (and invalidated) while the
  reader was reading the old row changed a token, so the old row is refused.
* Redis down: any Redis error sends this process straight to PostgreSQL for
  ``RETRY_SECONDS``, with a warning. An invalidation that could not be sent is
  recorded in PostgreSQL (``MissedInvalidation``). Redis keeps ``ack``, the
  highest missed-invalidation id already dealt with; whenever a process gets
  Redis back after an error (and at every reconciliation run) it compares the
  two and, if PostgreSQL has newer misses, bumps the ``epoch``: every entry
  written before is dropped, so nothing that missed an invalidation is served.
  A restarted, empty Redis gets a fresh random epoch, so an old reader's
  guarded write also fails. (A process that never saw Redis fail while another
  one missed an invalidation could serve a stale entry until the writer's
  process reconnects or the next reconciliation run: one partition case that
  only reconciliation closes.)
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Sequence
from contextlib import contextmanager
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac
from django_redis import get_redis_connection
from redis.exceptions import RedisError

from common.cache import codec, metrics

# The logger keeps the name it had when the cache lived in clientes: log routing
# and alerting already filter on it.
logger = logging.getLogger("clientes.cache")

# Bump when the payload layout changes: a deploy never reads the old format.
FORMAT_VERSION = 2

EPOCH, PROFILES, SEARCH = "epoch", "profiles", "search"

_GUARDED_SET = """
local guards = tonumber(ARGV[1])
for i = 1, guards do
  local current = redis.call('GET', KEYS[i])
  if not current then current = '' end
  if current ~= ARGV[i + 1] then return 0 end
end
local arg = guards + 2
for i = guards + 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[arg], 'PX', ARGV[arg + 1])
  arg = arg + 2
end
return 1
"""

# Keep the highest WAL position an invalidation was recorded at (replicas).
_RAISE_WAL = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 1
"""

_RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class CacheUnavailable(Exception):
    """Redis could not be used; the caller answers from PostgreSQL."""


def conf(name: str):
    return settings.CLIENTES_CACHE[name]


class MissedInvalidationLog(Protocol):
    """Where invalidations Redis never received are recorded (a PostgreSQL table)."""

    def latest_id(self) -> int: ...

    def record(self, *, ids: list[int], everything: bool) -> None: ...


# The ground floor knows no app: the app whose rows are cached registers its
# models (their columns are part of every key) and its missed-invalidation log
# when Django starts (``clientes.apps``).
_cached_models: tuple = ()
_missed_log: MissedInvalidationLog | None = None


def register(*, models: Sequence, missed_log: MissedInvalidationLog) -> None:
    """Declare the models whose rows are cached and the log of missed invalidations."""
    global _cached_models, _missed_log, _fingerprint
    _cached_models, _missed_log, _fingerprint = tuple(models), missed_log, None


def _missed() -> MissedInvalidationLog:
    if _missed_log is None:
        raise ImproperlyConfigured("common.cache.store.register() was never called")
    return _missed_log


_fingerprint: str | None = None


def _model_fingerprint() -> str:
    """Hash of the cached models' columns: adding a field changes every key."""
    global _fingerprint
    if _fingerprint is None:
        models = _cached_models
        columns = [f.attname for model in models for f in model._meta.concrete_fields]
        _fingerprint = hashlib.blake2b("|".join(columns).encode(), digest_size=4).hexdigest()
    return _fingerprint


def key(*parts) -> str:
    """Return the full Redis key for ``parts`` under the versioned prefix."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return ":".join([prefix, f"cl{FORMAT_VERSION}.{_model_fingerprint()}", *map(str, parts)])


def generation_key(name: str) -> str:
    return key("gen", name)


def new_token() -> bytes:
    return secrets.token_hex(8).encode()


# --- Availability (per process) ---------------------------------------------


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        # Set after a Redis error: this process may have missed invalidations
        # (others' misses are caught when they reconnect, or by reconciliation).
        self.needs_recovery = False
        self.degraded_reads = 0
        self.last_warning = 0.0


_state = _State()


def reset_state() -> None:
    """Forget this process's view of Redis (tests point the cache elsewhere)."""
    global _state
    _state = _State()


def _mark_down(exc: Exception, operation: str) -> None:
    metrics.incr("redis_error")
    with _state.lock:
        was_up = _state.down_until <= time.monotonic()
        _state.down_until = time.monotonic() + conf("RETRY_SECONDS")
        _state.needs_recovery = True
    if was_up:
        logger.warning(
            "Redis unavailable during %s (%s): answering from PostgreSQL for %.1f s",
            operation,
            type(exc).__name__,
            conf("RETRY_SECONDS"),
        )


def note_degraded_read(kind: str) -> None:
    """Count a read served by PostgreSQL because Redis failed; warn at most every 10 s."""
    metrics.incr("degraded_read")
    now = time.monotonic()
    with _state.lock:
        _state.degraded_reads += 1
        if now - _state.last_warning < 10:
            return
        _state.last_warning, count, _state.degraded_reads = now, _state.degraded_reads, 0
    logger.warning("cache degraded: %d %s read(s) served from PostgreSQL", count, kind)


def _connection():
    if _state.down_until > time.monotonic():
        raise CacheUnavailable("Redis marked down")
    conn = get_redis_connection("default")
    if _state.needs_recovery:
        _recover(conn)
    return conn


@contextmanager
def redis(operation: str):
    """Yield a Redis connection; timing it, and turning errors into CacheUnavailable."""
    started = time.perf_counter()
    try:
        yield _connection()
    except RedisError as exc:
        _mark_down(exc, operation)
        raise CacheUnavailable(operation) from exc
    finally:
        metrics.observe_redis_latency((time.perf_counter() - started) * 1000)


# --- Missed invalidations and the epoch ---------------------------------------


def _recover(conn) -> None:
    """Bump the epoch if Redis may lack invalidations: missed ones, or a failover.

    PostgreSQL records the invalidations Redis never received. And Redis
    replication is asynchronous: a replica promoted by Sentinel may not have
    received the last invalidations its old master acknowledged. Every entry
    of a Redis server records the server (``run_id``) that wrote the epoch;
    finding another one means the data came through a failover (or a restart
    from a snapshot), and nothing it holds is trusted.
    """
    latest = _missed().latest_id()
    ack_key, server_key = key("ack"), key("server")
    acked, known_server = conn.mget([ack_key, server_key])
    acked = int(acked or 0)
    server = conn.info("server")["run_id"]
    failed_over = known_server is not None and known_server.decode() != server
    ttl = conf("GENERATION_TTL")
    if latest > acked or failed_over:
        with conn.pipeline(transaction=True) as pipe:
            pipe.set(generation_key(EPOCH), new_token(), ex=ttl)
            pipe.set(ack_key, latest, ex=ttl)
            pipe.set(server_key, server, ex=ttl)
            pipe.execute()
        metrics.incr("epoch_bump")
        logger.warning(
            "cache epoch bumped: %s",
            "another Redis server answers (failover)"
            if failed_over
            else f"{latest - acked} invalidation(s) were missed while Redis was unreachable",
        )
    else:
        if not acked:
            conn.set(ack_key, latest, ex=ttl, nx=True)
        if known_server is None:
            conn.set(server_key, server, ex=ttl, nx=True)
    with _state.lock:
        _state.needs_recovery = False


def check_missed_invalidations() -> None:
    """Run the recovery check now (reconciliation does, every run)."""
    with _state.lock:
        _state.needs_recovery = True
    with redis("recovery check"):
        pass


def record_missed_invalidation(*, ids: Sequence[int] = (), everything: bool = False) -> None:
    """Remember in PostgreSQL that Redis did not receive an invalidation."""
    metrics.incr("invalidation_missed")
    _missed().record(ids=sorted(set(ids))[:1000], everything=everything)
    logger.warning(
        "cache invalidation missed for %s: recorded, the epoch is bumped when Redis is back",
        "every client" if everything else f"{len(set(ids))} client(s)",
    )


# --- Generations, reads and guarded writes -------------------------------------


def read_with_generations(conn, generations: Sequence[str], keys: Sequence[str]):
    """Return ({generation: token}, [values of keys]) in one round trip.

    Missing generations (a new or restarted Redis) get a fresh random token,
    and the server that holds them is recorded (see ``_recover``).
    """
    gen_keys = [generation_key(name) for name in generations]
    values = conn.mget([*gen_keys, *keys])
    tokens = values[: len(gen_keys)]
    if any(token is None for token in tokens):
        ttl = conf("GENERATION_TTL")
        server = conn.info("server")["run_id"]
        with conn.pipeline(transaction=False) as pipe:
            for gen_key, token in zip(gen_keys, tokens, strict=True):
                if token is None:
                    pipe.set(gen_key, new_token(), ex=ttl, nx=True)
            pipe.set(key("server"), server, ex=ttl, nx=True)
            pipe.mget(gen_keys)
            tokens = pipe.execute()[-1]
    return dict(zip(generations, tokens, strict=True)), values[len(gen_keys) :]


def wal_key() -> str:
    return key("wal")


def record_wal_position(pipe, position: int) -> None:
    """Queue on ``pipe``: the primary's WAL position after an invalidation's commit.

    A reader fills the cache from a replica only if the replica has replayed
    at least this far (``entries.fetch``): otherwise it could store a row that
    predates an invalidation it already saw, under the new tokens.
    """
    pipe.eval(_RAISE_WAL, 1, wal_key(), position, conf("GENERATION_TTL"))


def guarded_set(conn, guards: dict[str, bytes | None], entries: Sequence[tuple[str, bytes, int]]):
    """Write ``entries`` (key, value, ttl seconds) only if every guard key is unchanged.

    Returns True when written. A guard value of None means "the key did not exist".
    """
    guard_keys = list(guards)
    argv = [len(guard_keys), *[(guards[k] or b"") for k in guard_keys]]
    for _key, value, ttl in entries:
        argv += [value, max(1, int(ttl * 1000))]
    run = _script(conn, "guarded_set")
    written = bool(run(keys=[*guard_keys, *[e[0] for e in entries]], args=argv))
    if not written:
        metrics.incr("stale_set_refused")
    return written


def try_lock(conn, name: str, seconds: float) -> bytes | None:
    """Take a short lock (dogpile protection); return its token, or None if held."""
    token = new_token()
    if conn.set(key("lock", name), token, nx=True, px=int(seconds * 1000)):
        return token
    return None


def release_lock(conn, name: str, token: bytes) -> None:
    _script(conn, "release_lock")(keys=[key("lock", name)], args=[token])


_SCRIPTS = {"guarded_set": _GUARDED_SET, "release_lock": _RELEASE_LOCK}
_registered: dict = {}


def _script(conn, name: str):
    """Return a callable running the named Lua script on ``conn`` (EVALSHA, loading once)."""
    script = _registered.get(name)
    if script is None:
        script = _registered[name] = conn.register_script(_SCRIPTS[name])
    return lambda keys, args: script(keys=keys, args=args, client=conn)


def jittered(ttl: float) -> float:
    """Spread expiries by ±10% so entries written together do not expire together."""
    return ttl * (0.9 + 0.2 * secrets.randbelow(1000) / 1000)


def pack(entry_key: str, stamp: tuple, soft_deadline: float, value) -> bytes:
    """Serialise an entry: the generations it was computed under, its refresh time, value.

    Values are plain data (``codec``: never pickle, so a value written by
    someone else cannot run code), signed with an HMAC over the key and the
    payload: a forged or moved entry (e.g. an administrator's permission set
    copied under an analyst's key) is refused on read.
    """
    body = codec.encode((stamp, soft_deadline, value))
    return _signature(entry_key, body) + body


def unpack(entry_key: str, raw: bytes):
    """Return (stamp, soft deadline, value) of an entry ``pack`` wrote under ``entry_key``.

    Raises ``ForgedEntry`` when the signature does not match: nothing of it is decoded.
    """
    signature, body = raw[:_SIGNATURE_BYTES], raw[_SIGNATURE_BYTES:]
    if not hmac.compare_digest(signature, _signature(entry_key, body)):
        metrics.incr("forged_entry")
        raise ForgedEntry(entry_key)
    return codec.decode(body)


_SIGNATURE_BYTES = 32


class ForgedEntry(ValueError):
    """A cache entry whose signature is not ours (written by someone without SECRET_KEY)."""


def _signature(entry_key: str, body: bytes) -> bytes:
    # salted_hmac derives a key of its own from SECRET_KEY (the salt names the use).
    message = entry_key.encode() + b"\0" + body
    return salted_hmac("gestao.clientes.cache.entry", message, algorithm="sha256").digest()
