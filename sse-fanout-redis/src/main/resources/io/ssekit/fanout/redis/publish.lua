-- Publishes one event on its topic's channel, unless the Redis history published it already
-- when it appended it (then the topic's meta hash records the last position it published).
-- KEYS[1] the topic's meta hash, KEYS[2] its channel.
-- ARGV: position, message, publish command (PUBLISH, or SPUBLISH on a cluster).
local published = redis.call('HGET', KEYS[1], 'pub')
if published and tonumber(published) >= tonumber(ARGV[1]) then
  return 0
end
redis.call(ARGV[3], KEYS[2], ARGV[2])
return 1
