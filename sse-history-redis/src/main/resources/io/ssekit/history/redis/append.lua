-- Appends one event to a topic and assigns its position, atomically; with the Redis fanout,
-- publishes it in the same step. With an idempotency key, a key already recorded for the topic
-- answers the first append's epoch and position and nothing is stored or published.
-- KEYS[1] the topic's stream, KEYS[2] its meta hash, KEYS[3] its channel, KEYS[4] the
-- idempotency key's record (declared, and unused, when the append has none), KEYS[5] (one Redis
-- only, not on a cluster) the epoch key.
-- ARGV: epoch, adopt (1: the caller read the epoch just now, the topic may take it), has-name
-- (1/0), name, data, max events, max age (ms), idle expiry (ms), publish command (PUBLISH, or
-- SPUBLISH on a cluster; empty: publish nothing), the message's part before the position and
-- its part between the position and the data (io.ssekit.redis.RedisMessage defines both), the
-- idempotency window (ms; empty: no key).
-- Returns the position, or {epoch, position} of the first append of the idempotency key.
--
-- Positions are never handed out twice, whatever data Redis comes back with (an older snapshot
-- or AOF, a replica promoted before it got the last writes):
-- * the next position is max(last + 1, now in ms x 1000), so positions follow Redis's clock and
--   data restored from earlier carries positions below every one handed out since;
-- * the first position of a topic, and the first after another Redis server assigned the
--   topic's last one (its run_id differs: a restart, a restore, a promoted replica), lie a
--   further 10^9 (1,000,000 ms of the clock) ahead, against a clock that disagrees with the
--   previous server's.
-- Each entry records the position before it (field p), so a replay can tell a cursor that
-- follows on from what the history holds from one it knows nothing of.
if #KEYS == 5 and redis.call('GET', KEYS[5]) ~= ARGV[1] then
  return redis.error_reply('SSEKIT_EPOCH the epoch key is gone or changed')
end
-- A topic records its epoch. A new (or lost) topic takes only an epoch read just now: on a
-- cluster this is how a store that lost everything is noticed, as no script sees the epoch key.
local topicEpoch = redis.call('HGET', KEYS[2], 'epoch')
if topicEpoch ~= ARGV[1] and ARGV[2] ~= '1' then
  return redis.error_reply('SSEKIT_EPOCH the topic is new or of another epoch')
end
if ARGV[12] ~= '' then
  local first = redis.call('GET', KEYS[4])
  if first then
    local space = string.find(first, ' ', 1, true)
    return {string.sub(first, 1, space - 1), string.sub(first, space + 1)}
  end
end
local MARGIN = 1000000000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
local meta = redis.call('HMGET', KEYS[2], 'seq', 'ms', 'run')
local seq = tonumber(meta[1])
local lastMs = tonumber(meta[2])
if not seq then
  -- A new or lost topic: a stream left behind without its hash still bounds both parts.
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
  if last then
    lastMs = tonumber(string.match(last[1], '^(%d+)-'))
    seq = tonumber(string.match(last[1], '-(%d+)$'))
  end
end
local position = now * 1000
if meta[3] ~= run then
  position = position + MARGIN
end
if seq and seq + 1 > position then
  position = seq + 1
end
local ms = now
if lastMs and lastMs > ms then
  ms = lastMs
end
local id = string.format('%.0f-%.0f', ms, position)
local prev = string.format('%.0f', seq or 0)
if ARGV[3] == '1' then
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[6], id, 'd', ARGV[5], 'p', prev, 'n', ARGV[4])
else
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[6], id, 'd', ARGV[5], 'p', prev)
end
redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f', now - tonumber(ARGV[7])))
redis.call('HSET', KEYS[2], 'seq', string.format('%.0f', position),
  'ms', string.format('%.0f', ms), 'run', run, 'epoch', ARGV[1])
if ARGV[12] ~= '' then
  redis.call('SET', KEYS[4], ARGV[1] .. ' ' .. string.format('%.0f', position), 'PX', ARGV[12])
end
-- Published in the same step, so that every instance receives a topic's events in position
-- order, whichever instances appended them (the Redis fanout listens on this channel).
if ARGV[9] ~= '' then
  redis.call(ARGV[9], KEYS[3], ARGV[10] .. string.format('%.0f', position) .. ARGV[11]
    .. ARGV[5])
end
redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('PEXPIRE', KEYS[2], ARGV[8])
return position
