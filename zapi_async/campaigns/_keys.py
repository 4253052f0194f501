"""Where a campaign lives in Redis, and the Lua scripts that change it atomically.

Every key of campaign ``NAME`` starts ``zapi:campaign:{NAME}:`` (the braces are a
Redis Cluster hash tag: one slot, so each script may touch all of them):

* ``meta`` (hash): ``state`` (``creating``/``ready``/``paused``/``cancelled``),
  ``written``, ``total``, ``partitions``, ``instances``, ``rate``, ``burst``,
  ``profile``, ``digest`` (a hash chain of the input, to resume creation safely);
* ``stream:<p>`` (stream, consumer group ``workers``): partition ``p``'s messages,
  fields ``s`` (index), ``m`` (the message envelope, JSON) and ``t`` (tag);
* ``lease:<p>`` (string, with a TTL): the worker owning partition ``p`` now;
* ``left`` (hash ``p -> n``): messages of each partition without a final outcome;
* ``started`` (hash ``index -> attempt``): attempts under way (marked before the POST);
* ``outcome`` (hash ``index -> JSON``): the one final outcome of each message;
* ``reclaimed`` (hash ``index -> attempt``): ``unknown`` outcomes written for an
  attempt whose worker went silent (that worker may still replace it with the truth);
* ``counts`` (hash): ``sent``, ``failed``, ``partial``, ``unknown``, ``unsent``,
  ``in_flight``.

The set ``zapi:campaigns`` lists the campaigns workers look at.
"""

from __future__ import annotations

import re

from ..errors import ValidationError

__all__ = ["GROUP", "INIT", "REGISTRY", "CampaignKeys", "check_name"]

#: The Redis set of campaign names.
REGISTRY = "zapi:campaigns"
#: The consumer group of every partition stream.
GROUP = "workers"

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def check_name(name: str) -> str:
    """``name`` if it is 1-100 letters, digits, ``.``, ``_`` or ``-`` (not first)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValidationError(
            "campaign name",
            f"should be 1-100 letters, digits, '.', '_' or '-' (starting with a letter "
            f"or digit), but was {name!r}",
        )
    return name


class CampaignKeys:
    """The Redis keys of one campaign."""

    __slots__ = (
        "base",
        "counts",
        "left",
        "meta",
        "name",
        "outcome",
        "reclaimed",
        "started",
    )

    def __init__(self, name: str) -> None:
        self.name = check_name(name)
        self.base = f"zapi:campaign:{{{name}}}"
        self.meta = self.base + ":meta"
        self.left = self.base + ":left"
        self.started = self.base + ":started"
        self.outcome = self.base + ":outcome"
        self.reclaimed = self.base + ":reclaimed"
        self.counts = self.base + ":counts"

    def stream(self, partition: int) -> str:
        """Partition ``partition``'s stream."""
        return f"{self.base}:stream:{partition}"

    def lease(self, partition: int) -> str:
        """Partition ``partition``'s lease."""
        return f"{self.base}:lease:{partition}"

    def all(self, partitions: int) -> list[str]:
        """Every key of the campaign."""
        fixed = [self.meta, self.left, self.started, self.outcome, self.reclaimed, self.counts]
        return fixed + [k for p in range(partitions) for k in (self.stream(p), self.lease(p))]


# KEYS: meta, lease, outcome, started, counts. ARGV: worker, index.
# Marks the attempt started, unless the message may not (or need not) be sent now.
START = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'gone' end
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then return 'done' end
if state == 'cancelled' then return 'cancelled' end
if state == 'paused' then return 'paused' end
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 'lease' end
if redis.call('HSETNX', KEYS[4], ARGV[2], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[5], 'in_flight', 1)
  return 'ok'
end
if redis.call('HGET', KEYS[4], ARGV[2]) == ARGV[1] then return 'ok' end
return 'started'
"""

# KEYS: started, outcome, counts. ARGV: index, attempt.
# Takes back a start mark of an attempt that sent nothing.
UNSTART = """
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HINCRBY', KEYS[3], 'in_flight', -1)
return 1
"""

# KEYS: outcome, started, reclaimed, counts, left, stream.
# ARGV: index, status, outcome JSON, attempt ('' = none), partition, group, entry id,
#       reclaimed attempt ('' = not a reclaim).
# Writes the message's one outcome (first writer wins, except that the worker whose
# attempt was reported unknown by a reclaimer replaces it with what it saw) and acks.
RECORD = """
local prev = redis.call('HGET', KEYS[1], ARGV[1])
local result = 1
if prev then
  result = 0
  if ARGV[4] ~= '' and ARGV[8] == '' and redis.call('HGET', KEYS[3], ARGV[1]) == ARGV[4] then
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
    redis.call('HDEL', KEYS[3], ARGV[1])
    redis.call('HINCRBY', KEYS[4], 'unknown', -1)
    redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
    result = 2
  end
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  if redis.call('HDEL', KEYS[2], ARGV[1]) == 1 then
    redis.call('HINCRBY', KEYS[4], 'in_flight', -1)
  end
  if ARGV[8] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[8]) end
  redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
  redis.call('HINCRBY', KEYS[5], ARGV[5], -1)
end
if ARGV[7] ~= '' then redis.call('XACK', KEYS[6], ARGV[6], ARGV[7]) end
return result
"""

# KEYS: lease keys to try, in order. ARGV: worker, ttl (ms).
# Takes the first lease that is free (or already ours: a retried call whose reply
# was lost); returns its position (1-based) or 0.
LEASE = """
for i, key in ipairs(KEYS) do
  local owner = redis.call('GET', key)
  if owner == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    return i
  end
  if not owner then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    return i
  end
end
return 0
"""

# KEYS: meta, then every partition's stream. ARGV: group, then the settings as
# field, value pairs. Starts a campaign's creation: the consumer groups (and their
# streams) and the meta hash in one step, so no campaign exists without all its
# groups. Returns 'exists' (changing nothing) when the meta hash is there already.
INIT = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
for i = 2, #KEYS do
  local made = redis.pcall('XGROUP', 'CREATE', KEYS[i], ARGV[1], '0', 'MKSTREAM')
  if type(made) == 'table' and made.err and not string.find(made.err, 'BUSYGROUP') then
    return made
  end
end
local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
return 'ok'
"""

# KEYS: creation lock, meta, left, then one stream per partition used.
# ARGV: token, written before, written after, digest, lock ttl (ms), then per
# message: position in KEYS of its stream, its partition, index, envelope, tag
# ('' = none). One batch of a creation, all or nothing; a retry of a batch already
# written (its reply was lost) changes nothing.
WRITE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'lock' end
if redis.call('HGET', KEYS[2], 'written') ~= ARGV[2] then return 'skip' end
for i = 6, #ARGV, 5 do
  local stream = KEYS[tonumber(ARGV[i])]
  if ARGV[i + 4] == '' then
    redis.call('XADD', stream, '*', 's', ARGV[i + 2], 'm', ARGV[i + 3])
  else
    redis.call('XADD', stream, '*', 's', ARGV[i + 2], 'm', ARGV[i + 3], 't', ARGV[i + 4])
  end
  redis.call('HINCRBY', KEYS[3], ARGV[i + 1], 1)
end
redis.call('HSET', KEYS[2], 'written', ARGV[3], 'digest', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 'ok'
"""

# KEYS: stream. ARGV: group, consumer.
# Our oldest entry not acknowledged yet, else the next one nobody read, else false.
# A retry of a call whose reply was lost returns the same entry, so entries are
# handled in order even then.
READ = """
local mine = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1,
                        'STREAMS', KEYS[1], '0')
if mine and mine[1] and #mine[1][2] > 0 and mine[1][2][1][2] then return mine[1][2][1] end
local new = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1,
                       'STREAMS', KEYS[1], '>')
if new and new[1] and #new[1][2] > 0 then return new[1][2][1] end
return false
"""

# KEYS: lease. ARGV: worker, ttl (ms). Renews a lease still ours (1), else 0.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""

# KEYS: lease. ARGV: worker. Gives a lease back if it is still ours.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
