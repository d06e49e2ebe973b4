-- Rotate through pre-signed ballots (one JSON body per line) posted to BALLOT_PATH.
local reqs = {}
local n = 0
local path = os.getenv("BALLOT_PATH") or "/ballots"
local f = assert(io.open(os.getenv("BALLOTS") or "ballots.jsonl", "r"))
for line in f:lines() do
  n = n + 1
  reqs[n] = wrk.format("POST", path, {["Content-Type"] = "application/json"}, line)
end
f:close()
local i = 0
local threads = 0
setup = function(thread)
  -- each wrk thread walks its own slice, so no ballot is sent twice (a duplicate is a rejection)
  thread:set("offset", threads)
  threads = threads + 1
end
init = function()
  i = math.floor((offset or 0) * n / tonumber(os.getenv("BALLOT_SLICES") or "1"))
end
request = function()
  i = i + 1
  if i > n then i = 1 end
  return reqs[i]
end
