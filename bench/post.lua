-- POST /inc: one increment per request.
dofile("bench/report.lua")
wrk.method = "POST"
