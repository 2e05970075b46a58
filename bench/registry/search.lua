-- Directory searches mixing Arabic and French words, filters and pages; prints p50/p95/p99.
-- search-open.lua sends the same requests open loop, at a fixed rate.
local queries = {
  "/api/registry/directory?q=%D8%A7%D9%84%D8%B4%D8%BA%D9%84&limit=20",          -- الشغل
  "/api/registry/directory?q=environnement&limit=20",
  "/api/registry/directory?q=%D8%A7%D9%84%D9%85%D8%A7%D8%A1&governorate=sfax&limit=20", -- الماء
  "/api/registry/directory?q=femmes&theme=gender-equality&limit=20",
  "/api/registry/directory?kind=movement&governorate=gafsa&limit=20",
  "/api/registry/directory?q=association%20sante&limit=20",
}
local n = 0
function make_request()
  n = n + 1
  return wrk.format("GET", queries[(n % #queries) + 1])
end
request = make_request
done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors(status)=%d duration_s=%.1f rps=%.0f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f\n",
    summary.requests, summary.errors.status, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
