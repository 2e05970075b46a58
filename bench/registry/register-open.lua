-- The registrations of register.lua at a fixed rate, latency counted from when each was due (see open-loop.lua):
--   wrk -tN -cN -d<s>s -s bench/registry/register-open.lua <url> -- <rate> N   (from the repository root)
dofile("bench/registry/register.lua")
dofile("bench/Shared/open-loop.lua")
