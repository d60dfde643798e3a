-- Appends one event to a topic and assigns its position, atomically; with the Redis fanout,
-- publishes it in the same step.
-- KEYS[1] the topic's stream, KEYS[2] its meta hash, KEYS[3] its channel, KEYS[4] (one Redis
-- only, not on a cluster) the epoch key.
-- ARGV: epoch, adopt (1: the caller read the epoch just now, the topic may take it), has-name
-- (1/0), name, data, max events, max age (ms), idle expiry (ms), publish command (PUBLISH, or
-- SPUBLISH on a cluster; empty: publish nothing), the message's part before the position and
-- its part between the position and the data (io.ssekit.redis.RedisMessage defines both).
-- A topic's positions start at a base taken from the clock (ms x 1000), so that a topic whose
-- keys were lost starts above every position it had. Stream ids are "<ms>-<position>".
if #KEYS == 4 and redis.call('GET', KEYS[4]) ~= ARGV[1] then
  return redis.error_reply('SSEKIT_EPOCH the epoch key is gone or changed')
end
-- A topic records its epoch. A new (or lost) topic takes only an epoch read just now: on a
-- cluster this is how a store that lost everything is noticed, as no script sees the epoch key.
local topicEpoch = redis.call('HGET', KEYS[2], 'epoch')
if topicEpoch ~= ARGV[1] and ARGV[2] ~= '1' then
  return redis.error_reply('SSEKIT_EPOCH the topic is new or of another epoch')
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ms = now
local last = redis.call('HGET', KEYS[2], 'ms')
if not last then
  local base = string.format('%.0f', now * 1000)
  redis.call('HSET', KEYS[2], 'base', base, 'seq', base)
elseif tonumber(last) > now then
  ms = tonumber(last)
end
local position = redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('HSET', KEYS[2], 'ms', string.format('%.0f', ms), 'epoch', ARGV[1])
local id = string.format('%.0f-%.0f', ms, position)
if ARGV[3] == '1' then
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[6], id, 'd', ARGV[5], 'n', ARGV[4])
else
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[6], id, 'd', ARGV[5])
end
redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f', now - tonumber(ARGV[7])))
-- Published in the same step, so that every instance receives a topic's events in position
-- order, whichever instances appended them (the Redis fanout listens on this channel).
if ARGV[9] ~= '' then
  redis.call(ARGV[9], KEYS[3], ARGV[10] .. string.format('%.0f', position) .. ARGV[11]
    .. ARGV[5])
end
redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('PEXPIRE', KEYS[2], ARGV[8])
return position
