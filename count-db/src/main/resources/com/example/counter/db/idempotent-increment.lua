-- Increments the count once per idempotency key, atomically: concurrent retries with the same
-- key cannot both increment, because Redis runs a script without interleaving other commands.
-- KEYS[1]: the count. KEYS[2]: the record of this key's increment. ARGV[1]: its lifetime (seconds).
-- Returns {count, replayed}: replayed is 1 when the key was used before and nothing was added.
local done = redis.call('GET', KEYS[2])
if done then
  -- A write even on a replay (it keeps the key for another lifetime): Redis 7 and later count only
  -- a connection's own writes in WAIT, so a replay that wrote nothing would be "acknowledged" at
  -- once, whether or not the first increment ever reached the replicas.
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  return {tonumber(done), 1}
end
local count = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], count, 'EX', ARGV[1])
return {count, 0}
