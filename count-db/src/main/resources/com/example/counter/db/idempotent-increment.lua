-- Increments the count once per idempotency key, atomically: concurrent retries with the same
-- key cannot both increment, because Redis runs a script without interleaving other commands.
-- KEYS[1]: the count. KEYS[2]: the record of this key's increment. ARGV[1]: its lifetime (seconds).
-- Returns {count, replayed}: replayed is 1 when the key was used before and nothing was added.
local done = redis.call('GET', KEYS[2])
if done then
  return {tonumber(done), 1}
end
local count = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], count, 'EX', ARGV[1])
return {count, 0}
