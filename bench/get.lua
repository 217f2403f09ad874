-- GET the count as curl does (plain text).
dofile("bench/report.lua")
wrk.headers["Accept"] = "text/plain"
