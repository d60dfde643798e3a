-- What a stream of one topic starts from, read atomically.
-- KEYS[1] the topic's stream, KEYS[2] its meta hash, KEYS[3] its channel (unused, declared for
-- the cluster's slot checks), KEYS[4] (one Redis only, not on a cluster) the epoch key.
-- ARGV: epoch, adopt (1: the caller read the epoch just now, the topic may take it), what to
-- return ('none', 'all', or the client's position), max age (ms), idle expiry (ms).
-- Returns {head, complete (1/0), entries newest first}: for 'none' no entries; for 'all' every
-- entry held; for a position, the entries after it, and complete when the oldest of them (or,
-- when there is none, the head) follows on from the client's position. Positions need not be
-- consecutive: each entry records the one before it (field p; entries written before it was
-- recorded have consecutive positions). So a position the history lost, or one beyond the head,
-- is incomplete and so are events trimmed after the client's position.
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
local seq = redis.call('HGET', KEYS[2], 'seq')
if not seq then
  -- A topic is born at its first reader or writer, at a head above every position it may have
  -- had (as append.lua chooses a new topic's first position).
  local head = now * 1000 + 1000000000
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
  local ms = now
  if last then
    ms = math.max(ms, tonumber(string.match(last[1], '^(%d+)-')))
    head = math.max(head, tonumber(string.match(last[1], '-(%d+)$')))
  end
  seq = string.format('%.0f', head)
  redis.call('HSET', KEYS[2], 'seq', seq, 'ms', string.format('%.0f', ms),
    'run', string.match(redis.call('INFO', 'server'), 'run_id:(%x+)'), 'epoch', ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
local minId = string.format('%.0f', now - tonumber(ARGV[4]))
if ARGV[3] == 'none' then
  return {seq, 1, {}}
end
local after = tonumber(ARGV[3])
if ARGV[3] == 'all' or after > tonumber(seq) then
  return {seq, 0, redis.call('XREVRANGE', KEYS[1], '+', minId)}
end
-- Newest first, in growing pages, down to the first entry at or before the client's position.
local entries = {}
local upper = '+'
local count = 16
local prev = nil
while true do
  local page = redis.call('XREVRANGE', KEYS[1], upper, minId, 'COUNT', count)
  local reached = false
  for _, entry in ipairs(page) do
    local position = tonumber(string.match(entry[1], '-(%d+)$'))
    if position <= after then
      reached = true
      break
    end
    entries[#entries + 1] = entry
    prev = position - 1
    local fields = entry[2]
    for f = 1, #fields - 1, 2 do
      if fields[f] == 'p' then
        prev = tonumber(fields[f + 1])
      end
    end
  end
  if reached or #page < count then
    break
  end
  upper = '(' .. page[#page][1]
  count = count * 4
end
local complete = 0
if (prev == nil and after == tonumber(seq)) or (prev ~= nil and prev == after) then
  complete = 1
end
return {seq, complete, entries}
