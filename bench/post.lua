-- wrk script for POST /api/v1/sessions in `make bench`: every request carries a new
-- client_id (a UUID made of the run's prefix, the thread and a counter, so ids never
-- repeat), and every 2xx answer's client_id is kept, then written to $BENCH_IDS, so
-- the bench can check that each acknowledged write is in the database exactly once.
local prefix = os.getenv("BENCH_PREFIX") or "00000000"
local performed_at = os.getenv("BENCH_NOW") or "2026-01-01T12:00:00+00:00"
local counter = 0
local threads = {}
local made = 0
ids = {}
tid = 0

function setup(thread)
  made = made + 1
  thread:set("tid", made)
  table.insert(threads, thread)
end

local head = '{"client_id":"'
local tail = '","performed_at":"' .. performed_at .. '","pain_before":5,"pain_after":4,' ..
  '"entries":[{"stretch":"double-knee-to-chest"},' ..
  '{"stretch":"slr-strap","side":"left","angle_deg":45},' ..
  '{"stretch":"slr-strap","side":"right","angle_deg":70}]}'

function request()
  counter = counter + 1
  local id = string.format("%s-%04x-4000-8000-%012x", prefix, tid, counter)
  return wrk.format("POST", nil, nil, head .. id .. tail)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    local id = body:match('"client_id":%s*"([%x%-]+)"')
    if id then ids[#ids + 1] = id end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_IDS"), "w")
  for _, thread in ipairs(threads) do
    for _, id in ipairs(thread:get("ids")) do out:write(id, "\n") end
  end
  out:close()
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,' ..
    '"errors":%d,"non_2xx":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
