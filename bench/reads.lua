-- wrk script for the benchmark's readers: the campaign page and the count JSON in turn,
-- as a Russian-speaking browser asks for them, at a fixed total rate when RATE is set.
--   wrk -s bench/reads.lua <url> -- <rate per second of each wrk thread, 0: unbounded>
--       <path> [<path>...]
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } timespec;
  int clock_gettime(int clock, timespec *t);
]]
local clock = ffi.new("timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local requests, interval, due, turn = {}, 0, 0, 0

function init(args)
  local rate = tonumber(args[1]) or 0
  for i = 2, #args do
    table.insert(requests, wrk.format("GET", args[i], { ["Accept-Language"] = "ru" }))
  end
  interval = rate > 0 and 1000 / rate or 0
  due = now_ms()
end

function delay()
  if interval == 0 then return 0 end
  due = math.max(due + interval, now_ms() - 1000)
  return math.max(0, due - now_ms())
end

function request()
  turn = turn % #requests + 1
  return requests[turn]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
