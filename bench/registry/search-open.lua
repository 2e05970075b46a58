-- The searches of search.lua at a fixed rate, latency counted from when each was due (see open-loop.lua):
--   wrk -tN -cN -d<s>s -s bench/registry/search-open.lua <url> -- <rate> N   (from the repository root)
dofile("bench/registry/search.lua")
dofile("bench/Shared/open-loop.lua")
