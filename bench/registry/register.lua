-- Registrations with unique emails: each wrk thread gets its own id (setup), each request a counter.
-- register-open.lua sends the same requests open loop, at a fixed rate (its threads' ids come from open-loop.lua).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local counter = 0
local run = tostring(os.time())
function make_request()
  counter = counter + 1
  local body = string.format('{"kind":"individual","names":{"ar":"مشارك %d","fr":"Participant %d"},"preferredLanguage":"ar","governorate":"tunis","themes":["labour"],"email":"bench.%s.%s.%d@example.tn","phone":"+216 98 %03d %03d"}',
    counter, counter, run, tostring(tid or index), counter, counter % 1000, math.floor(counter / 1000) % 1000)
  return wrk.format("POST", "/api/registry/participants", { ["Content-Type"] = "application/json" }, body)
end
request = make_request
done = function(summary, latency, requests)
  io.write(string.format("requests=%d non2xx=%d duration_s=%.1f rps=%.0f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f\n",
    summary.requests, summary.errors.status, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
