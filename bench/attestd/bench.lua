-- SPDX-License-Identifier: Apache-2.0
-- bench/attestd/bench.lua: wrk posts one valid attestation request over and over (host.c).
--
-- Usage: wrk ... -s bench.lua URL -- BODY_FILE
-- Static requests (no request() or response() function), so wrk builds the request once per
-- thread and does not parse answers beyond their status. done() prints one line for host.c:
-- "bench: requests N duration_us D status_errors E socket_errors S p50_us P p99_us Q".

function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.path = "/attest/SgxEnclave?api-version=2022-08-01"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = file:read("*a")
  file:close()
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "bench: requests %d duration_us %d status_errors %d socket_errors %d p50_us %d p99_us %d\n",
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
