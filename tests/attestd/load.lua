-- SPDX-License-Identifier: Apache-2.0
-- tests/attestd/load.lua: wrk's mix of valid and invalid attestations and /certs reads (load.sh).
--
-- Usage: wrk -t N -c N -s load.lua URL -- BODY_DIR
-- (one connection per thread: each thread has at most one request in flight, so every
-- response is the answer to the thread's last request, and is counted under its kind).
-- BODY_DIR holds the request bodies load.sh wrote: valid.json (a real quote and the runtime
-- data it binds), bad-base64.json, wrong-data.json, flipped.json, bad-json.json and
-- oversized.json. done() prints one line per kind and status: "load: KIND STATUS COUNT",
-- where STATUS "none" counts requests whose connection closed before an answer.

local attest = "/attest/SgxEnclave?api-version=2022-08-01"

-- The mix, in the order each thread cycles through it (from its own starting point).
local mix = {
  { kind = "valid", body = "valid.json" },
  { kind = "certs" },
  { kind = "bad-base64", body = "bad-base64.json" },
  { kind = "valid", body = "valid.json" },
  { kind = "wrong-data", body = "wrong-data.json" },
  { kind = "valid", body = "valid.json" },
  { kind = "flipped", body = "flipped.json" },
  { kind = "certs" },
  { kind = "bad-json", body = "bad-json.json" },
  { kind = "valid", body = "valid.json" },
  { kind = "oversized", body = "oversized.json" },
}

local thread_index = 0
local threads = {}

function setup(thread)
  thread_index = thread_index + 1
  thread:set("offset", thread_index)
  table.insert(threads, thread)
end

local requests = {}
local next_index = 1
local pending = nil
local answered = false
counts = {}

local function count(kind, status)
  local key = kind .. " " .. status
  counts[key] = (counts[key] or 0) + 1
end

function init(args)
  local directory = args[1]
  for i, item in ipairs(mix) do
    if item.body then
      local file = assert(io.open(directory .. "/" .. item.body, "rb"))
      local body = file:read("*a")
      file:close()
      requests[i] = wrk.format("POST", attest, { ["Content-Type"] = "application/json" }, body)
    else
      requests[i] = wrk.format("GET", "/certs", {}, nil)
    end
  end
  next_index = (offset or 1) % #mix + 1
end

function request()
  -- A request still pending means its connection closed without an answer; except before
  -- the first answer: wrk calls the first thread's request() once more, to check the script.
  if pending and answered then
    count(pending, "none")
  end
  local i = next_index
  next_index = next_index % #mix + 1
  pending = mix[i].kind
  return requests[i]
end

function response(status, headers, body)
  count(pending or "unexpected", tostring(status))
  pending = nil
  answered = true
end

function done(summary, latency, requests_stats)
  local total = {}
  for _, thread in ipairs(threads) do
    local thread_counts = thread:get("counts")
    for key, value in pairs(thread_counts) do
      total[key] = (total[key] or 0) + value
    end
  end
  local keys = {}
  for key in pairs(total) do
    table.insert(keys, key)
  end
  table.sort(keys)
  for _, key in ipairs(keys) do
    io.write(string.format("load: %s %d\n", key, total[key]))
  end
  io.write(string.format("load: latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
