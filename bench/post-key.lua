-- POST /inc with a fresh Idempotency-Key per request: the exactly-once path (a Lua script in Redis).
dofile("bench/report.lua")
wrk.method = "POST"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

local n = 0
function request()
  n = n + 1
  return wrk.format(nil, nil, { ["Idempotency-Key"] = string.format('"bench-%s-%d-%d"', id, os.time(), n) })
end
