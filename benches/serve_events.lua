-- wrk script: single-event POSTs to /v1/clubs/$CLUB/events (the café unless CLUB names
-- an import benchmark club), each with a new id, spread over 10,000 members. Used by
-- benches/serve_load.sh.
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
  local club = os.getenv("CLUB") or "cafe"
  local body
  if club == "cafe" then
    body = string.format(
      '{"id":"L%s%d-%d","member":"M%d","date":"1403-05-01","amount":"125000"}',
      os.getenv("PREFIX") or "", tid, counter, counter % 10000)
  else
    -- The import benchmark's clubs: IRR amounts from 50,000 to 2,049,999 (a few over
    -- the big-basket line), on a Saturday (the weekend rule).
    body = string.format(
      '{"id":"L%s%d-%d","member":"m%07d","date":"2025-06-14","amount":"%d","channel":"app","store":"s01"}',
      os.getenv("PREFIX") or "", tid, counter, counter % 10000, 50000 + (counter * 7919) % 2000000)
  end
  return wrk.format("POST", "/v1/clubs/" .. club .. "/events", {
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
