-- Publishes one event on its topic's channel, unless the Redis history published it already
-- when it appended it (then the topic's meta hash records the last position it published).
-- KEYS[1] the topic's meta hash. ARGV: channel, position, message.
local published = redis.call('HGET', KEYS[1], 'pub')
if published and tonumber(published) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('PUBLISH', ARGV[1], ARGV[3])
return 1
