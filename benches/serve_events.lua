-- wrk script: single-event POSTs to /v1/clubs/cafe/events, each with a new id, spread
-- over 10,000 members. Used by benches/serve_load.sh.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function request()
  if os.getenv("MODE") == "health" then
    return wrk.format("GET", "/v1/health")
  end
  counter = counter + 1
  local body = string.format(
    '{"id":"L%s%d-%d","member":"M%d","date":"1403-05-01","amount":"125000"}',
    os.getenv("PREFIX") or "", tid, counter, counter % 10000)
  return wrk.format("POST", "/v1/clubs/cafe/events", {
    ["Authorization"] = "Bearer " .. os.getenv("BASHGAH_KEY"),
    ["Content-Type"] = "application/json",
  }, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests %d, non-2xx or socket errors %d\n", summary.requests, errors))
  io.write(string.format("throughput %.0f requests/s\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
