-- A paced load for wrk: every connection waits PACE_MS milliseconds after each response before it
-- sends the next request, so C connections send about C / (PACE_MS + latency) requests per second.
-- wrk's latency figures count from send to response, without the pause. The same pacing on the
-- direct and the proxied paths gives their latencies at (about) the same rate.
local pause = tonumber(os.getenv("PACE_MS") or "10")

function delay()
  return pause
end
