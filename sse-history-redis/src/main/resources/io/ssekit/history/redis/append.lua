-- Appends one event to a topic and assigns its position, atomically.
-- KEYS[1] the topic's stream, KEYS[2] its meta hash, KEYS[3] (single Redis only) the epoch key.
-- ARGV: epoch, has-name (1/0), name, data, max events, max age (ms), idle expiry (ms), channel.
-- A topic's positions start at a base taken from the clock (ms x 1000), so that a topic whose
-- keys were lost starts above every position it had. Stream ids are "<ms>-<position>".
if #KEYS == 3 and redis.call('GET', KEYS[3]) ~= ARGV[1] then
  return redis.error_reply('SSEKIT_EPOCH the epoch key is gone or changed')
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
redis.call('HSET', KEYS[2], 'ms', string.format('%.0f', ms))
local id = string.format('%.0f-%.0f', ms, position)
if ARGV[2] == '1' then
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[5], id, 'd', ARGV[4], 'n', ARGV[3])
else
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[5], id, 'd', ARGV[4])
end
redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f', now - tonumber(ARGV[6])))
-- Published in the same step, so that every instance receives a topic's events in position
-- order, whichever instances appended them (sse-fanout-redis listens on this channel).
local name = '-'
if ARGV[2] == '1' then
  name = '+' .. ARGV[3]
end
redis.call('PUBLISH', ARGV[8], ARGV[1] .. '\n' .. string.format('%.0f', position) .. '\n'
  .. name .. '\n' .. ARGV[4])
redis.call('HSET', KEYS[2], 'pub', string.format('%.0f', position))
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return position
