-- What a stream of one topic starts from, read atomically.
-- KEYS[1] the topic's stream, KEYS[2] its meta hash, KEYS[3] its channel (unused, declared for
-- the cluster's slot checks), KEYS[4] (one Redis only, not on a cluster) the epoch key.
-- ARGV: epoch, adopt (1: the caller read the epoch just now, the topic may take it), what to
-- return ('none', 'all', or the client's position), max age (ms), idle expiry (ms).
-- Returns {base, seq, first held position or false, entries newest first}. Held positions are
-- always one contiguous range ending at seq: trimming removes the oldest entries only.
if #KEYS == 4 and redis.call('GET', KEYS[4]) ~= ARGV[1] then
  return redis.error_reply('SSEKIT_EPOCH the epoch key is gone or changed')
end
-- A topic records its epoch; a new (or lost) topic takes only an epoch read just now.
local topicEpoch = redis.call('HGET', KEYS[2], 'epoch')
if topicEpoch ~= ARGV[1] then
  if ARGV[2] ~= '1' then
    return redis.error_reply('SSEKIT_EPOCH the topic is new or of another epoch')
  end
  if redis.call('EXISTS', KEYS[2]) == 1 then
    redis.call('HSET', KEYS[2], 'epoch', ARGV[1])
  end
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local base = redis.call('HGET', KEYS[2], 'base')
local seq = redis.call('HGET', KEYS[2], 'seq')
if not base then
  -- A topic is born at its first reader or writer; its base is fixed from then on.
  base = string.format('%.0f', now * 1000)
  seq = base
  redis.call('HSET', KEYS[2], 'base', base, 'seq', base, 'ms', string.format('%.0f', now),
    'epoch', ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
local minId = string.format('%.0f', now - tonumber(ARGV[4]))
local first = redis.call('XRANGE', KEYS[1], minId, '+', 'COUNT', 1)
local firstPosition = false
if first[1] then
  firstPosition = string.match(first[1][1], '-(%d+)$')
end
local entries = {}
if ARGV[3] == 'all' then
  entries = redis.call('XREVRANGE', KEYS[1], '+', minId)
elseif ARGV[3] ~= 'none' then
  local after = tonumber(ARGV[3])
  if after < tonumber(base) or after > tonumber(seq) then
    entries = redis.call('XREVRANGE', KEYS[1], '+', minId)
  elseif after < tonumber(seq) then
    entries = redis.call('XREVRANGE', KEYS[1], '+', minId, 'COUNT',
      string.format('%.0f', tonumber(seq) - after))
  end
end
return {base, seq, firstPosition, entries}
