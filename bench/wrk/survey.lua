-- Public survey submit, one respondent after another on each connection (one connection per
-- thread): GET the open link without a cookie (a new visitor gets a new CSRF cookie and form
-- token), then POST every answer with that cookie and token. A 302 to the thanks page is an
-- accepted response; anything else (403, 409, 429, 400, 5xx) is counted as refused.
local path = os.getenv("BENCH_PATH")
local questions, regions = {}, {}
for q in string.gmatch(os.getenv("BENCH_QUESTIONS") or "", "[^,]+") do table.insert(questions, q) end
for r in string.gmatch(os.getenv("BENCH_REGIONS") or "", "[^,]+") do table.insert(regions, r) end

local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  state, token, cookie = "get", nil, nil
  accepted, refused, gets, posts = 0, 0, 0, 0
  math.randomseed(number * 7919)
end

local function answers()
  local parts = {"csrfmiddlewaretoken=" .. token, "region=" .. regions[math.random(#regions)]}
  for _, q in ipairs(questions) do
    table.insert(parts, "q" .. q .. "=" .. math.random(1, 5))
  end
  return table.concat(parts, "&")
end

function request()
  if state == "post" then
    posts = posts + 1
    return wrk.format("POST", path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=" .. cookie,
    }, answers())
  end
  gets = gets + 1
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if state == "get" then
    token = body and string.match(body, 'name="csrfmiddlewaretoken" value="([^"]+)"')
    local set_cookie = headers["Set-Cookie"] or headers["set-cookie"] or ""
    cookie = string.match(set_cookie, "csrftoken=([^;]+)")
    if status == 200 and token and cookie then
      state = "post"
    else
      refused = refused + 1
    end
  else
    if status == 302 then accepted = accepted + 1 else refused = refused + 1 end
    state = "get"
  end
end

function done(summary, latency, requests)
  local total = {accepted = 0, refused = 0, gets = 0, posts = 0}
  for _, t in ipairs(threads) do
    for k, _ in pairs(total) do total[k] = total[k] + (t:get(k) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"accepted": %d, "errors": %d, "gets": %d, "posts": %d, "requests": %d, "seconds": %.3f, ' ..
    '"socket_errors": %d, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f}\n',
    total.accepted, total.refused, total.gets, total.posts, summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
