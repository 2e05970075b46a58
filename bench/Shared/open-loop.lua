-- Open-loop load for wrk, as wrk2 does it (Debian ships only wrk): requests go out on a fixed schedule
-- whatever the server's latency, and each one's latency counts from the time it was DUE, not from the
-- time it was sent — so a stall also counts the requests that should have gone out during it (no
-- "coordinated omission", which makes a closed-loop tool report a tail far better than the users saw).
--
--   wrk -tT -cC -d32s -s <script> <url> -- <rate> T [lead-ms=2000]
-- where <script> defines make_request() (returning wrk.format(...)) and then runs dofile() on this file;
-- the second argument repeats the thread count. Each of the T threads sends rate/T requests per second,
-- the threads' slots interleaved; its C/T connections share the thread's schedule: the next slot goes to
-- whichever connection is free, so a slow answer holds up one connection, not the slots after it (give
-- enough connections for the requests in flight; when all are busy, the late slots are sent as soon as
-- one frees, and still counted from when they were due). Each request carries its slot in an
-- X-Correlation-Id header, and the answer is matched to its slot by the same header echoed back (the
-- gateway echoes it); with one connection per thread (-tN -cN) no echo is needed: the one request in
-- flight is the one answered. wrk creates its threads one after the other (each parses the script and
-- its data: it adds up with many threads and a large data file), so the schedule starts for all of
-- them together lead-ms after the first was created; the measured window is from then to the end of the
-- run (so -d should be the wanted window + the lead). wrk's own summary stays uncorrected and counts
-- from its own start; this script prints the corrected figures, over the window, after it:
--   open-loop: offered <rate>/s, <d> due, answered <n> in <s> s = <rate>/s, <k> not 2xx, p50 <ms> p90 <ms> p95 <ms> p99 <ms> p99.9 <ms> max <ms>
--   open-loop: p99 by second (ms): <p99 of the requests due in second 0> <second 1> ...
-- (the second line shows whether the tail is spread over the run or comes from a few seconds)
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } agora_timespec;
int clock_gettime(int clock_id, agora_timespec *tp);
]]
local ts = ffi.new("agora_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads, started, last_setup = {}, nil, nil
function setup(thread)
  last_setup = now_ms()
  started = started or last_setup
  threads[#threads + 1] = thread
  thread:set("index", #threads)
  thread:set("origin", started)
end

local next_due, seq, claimed, claims, in_flight, in_flight_count = nil, 0, {}, 0, {}, 0
latencies, due_seconds, failed, unmatched = {}, {}, 0, 0

function init(args)
  rate, count = tonumber(args[1]), tonumber(args[2])
  if not rate or not count then
    error("open-loop.lua needs the rate and the thread count: wrk -tN -cM ... -- <rate> N")
  end
  interval = 1000 * count / rate
  start_at = origin + (tonumber(args[3]) or 2000)
  -- spread the threads' first requests over one interval so that they do not send in lockstep
  next_due = start_at + interval * (index - 1) / count
  first_due = next_due
  math.randomseed(os.time() * 1000 + index)
end

local function take_slot()
  local due = next_due
  next_due = next_due + interval
  return due
end

-- wrk asks delay() when a connection is free to send, and request() when that delay is over: the slot
-- is claimed in delay(), and request() sends the earliest claimed one (slots are claimed in due order,
-- and their timers fire in that order).
function delay()
  local due = take_slot()
  claimed[#claimed + 1], claims = due, claims + 1
  return math.max(0, math.ceil(due - now_ms()))
end

function request()
  if claims == 0 then
    return make_request() -- wrk checking the script before the run (not sent): no slot
  end
  local due = table.remove(claimed, 1) or take_slot() -- none claimed: a connection wrk reopened
  seq = seq + 1
  local id = string.format("open-loop-%d-%d", index, seq)
  in_flight[id], in_flight_count = due, in_flight_count + 1
  return (make_request():gsub("\r\n", "\r\nX-Correlation-Id: " .. id .. "\r\n", 1))
end

function response(status, headers)
  local id = headers["X-Correlation-Id"] or headers["x-correlation-id"]
  if not (id and in_flight[id]) and in_flight_count == 1 then
    id = next(in_flight) -- one connection per thread: the only request in flight
  end
  local due = id and in_flight[id]
  if not due then
    unmatched = unmatched + 1
    return
  end
  in_flight[id], in_flight_count = nil, in_flight_count - 1
  latencies[#latencies + 1] = now_ms() - due
  due_seconds[#due_seconds + 1] = math.floor((due - start_at) / 1000) -- the second of the window it was due in
  if status < 200 or status > 299 then
    failed = failed + 1
  end
end

function done(summary)
  -- wrk's duration runs from just after the last thread was created to when they all stopped
  local all, bad, due, lost, stop, by_second = {}, 0, 0, 0, last_setup + summary.duration / 1000, {}
  for _, t in ipairs(threads) do
    -- requests whose time came before the end, sent or not: a server that falls behind shows as due > answered
    due = due + math.max(0, math.floor((stop - t:get("first_due")) / t:get("interval")) + 1)
    local when = t:get("due_seconds")
    for i, l in ipairs(t:get("latencies")) do
      all[#all + 1] = l
      by_second[when[i]] = by_second[when[i]] or {}
      table.insert(by_second[when[i]], l)
    end
    bad = bad + t:get("failed")
    lost = lost + t:get("unmatched")
  end
  table.sort(all)
  local function at(q)
    if #all == 0 then return 0 end
    return all[math.max(1, math.ceil(q * #all))]
  end
  local seconds = (stop - threads[1]:get("start_at")) / 1000
  if lost > 0 then
    io.write(string.format("open-loop: WARNING %d answers could not be matched to their requests (no X-Correlation-Id echoed, several connections per thread); they are left out\n", lost))
  end
  if last_setup > threads[1]:get("start_at") then
    io.write("open-loop: WARNING the schedule started before wrk had created every thread; give a longer lead\n")
  end
  io.write(string.format(
    "open-loop: offered %s/s, %d due, answered %d in %.1f s = %.0f/s, %d not 2xx, p50 %.2f ms p90 %.2f ms p95 %.2f ms p99 %.2f ms p99.9 %.2f ms max %.2f ms\n",
    threads[1]:get("rate"), due, #all, seconds, #all / seconds, bad, at(0.5), at(0.9), at(0.95), at(0.99), at(0.999), at(1)))
  local line = {}
  for s = 0, math.ceil(seconds) - 1 do
    local l = by_second[s]
    if l then
      table.sort(l)
      line[#line + 1] = string.format("%.0f", l[math.max(1, math.ceil(0.99 * #l))])
    else
      line[#line + 1] = "-"
    end
  end
  io.write("open-loop: p99 by second (ms): " .. table.concat(line, " ") .. "\n")
end
