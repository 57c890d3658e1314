-- wrk script for the benchmark's signers, each wrk thread one signer on one connection
-- (run with as many threads as connections). A signer behaves like a new browser: GET the
-- form, take the CSRF cookie and the form's token, POST realistic claims (the claims of
-- harness/client.py's realistic_claims), expect a redirect to a receipt, then close the
-- connection. A browser with scripts on has checked its answers in the page and posts
-- them once, marked checked_in_page (web/static/web/sign.js); one signature in
-- <no-script every> comes from a browser without scripts, which gets the "check your
-- answers" page and POSTs its signed answers to confirm. Each thread writes its answers
-- to <out>.<thread>; wrk's own figures (the run's length, lost connections) end its
-- output as one JSON line.
--   wrk -t<signers> -c<signers> -s bench/sign.lua <url> -- <slug> <first signer> <out>
--       <no-script every>
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } timespec;
  int clock_gettime(int clock, timespec *t);
]]
local clock = ffi.new("timespec")
local function now() -- seconds on CLOCK_MONOTONIC, the clock of Python's time.monotonic()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local SYLLABLES = { "ба", "ве", "го", "да", "ле", "ми", "но", "пе", "ро", "со" }
local CAPITALS = { "Ба", "Ве", "Го", "Да", "Ле", "Ми", "Но", "Пе", "Ро", "Со" }
local FIRST = {
  "Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Иван", "Михаил",
  "Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Екатерина",
}
local PATRONYMIC = {
  "Александрович", "Дмитриевич", "Сергеевич", "Андреевич", "Иванович", "Петрович",
  "Николаевич", "Юрьевич",
}
local REGIONS = {
  "RU-MOW", "RU-SPE", "RU-IRK", "RU-PRI", "RU-NVS", "RU-SVE", "RU-TA", "RU-KDA", "RU-KGD",
  "RU-NIZ", "RU-SAM", "RU-ROS",
}
local UNAVAILABLE_PAGE = '<header class="site">' -- the 503 page is in the site's look

local function claims(worker, n)
  local index = worker * 1000000 + n
  local parts, rest = {}, index
  repeat -- the index written in syllables: distinct indexes, distinct surnames
    parts[#parts + 1] = (#parts == 0 and CAPITALS or SYLLABLES)[rest % 10 + 1]
    rest = math.floor(rest / 10)
  until rest == 0
  local surname = table.concat(parts) .. "ов"
  return {
    full_name = surname .. " " .. FIRST[index % #FIRST + 1] .. " "
      .. PATRONYMIC[math.floor(index / 7) % #PATRONYMIC + 1],
    region = REGIONS[index % #REGIONS + 1],
    publication = index % 4 ~= 0 and "named" or "anonymous",
  }
end

local function encode(value)
  return (value:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local threads = 0
function setup(thread)
  thread:set("signer", threads)
  threads = threads + 1
end

-- Each thread's own state. Every answer goes to the thread's own file (`thread:get`
-- cannot carry tables back safely), one line each:
--   <kind> <sent> <answered> <status> <receipt token, or the page's: 1 if usable> <unclear>
-- kinds: get (the form), check (the claims, answered by the check page), post (the
-- confirmed claims or answers)
local slug, worker, n, form_path, origin, log, no_script_every
local pending, sent_at, post_body, cookie, token = nil, 0, nil, nil, nil
local post_kind = "post" -- the claims checked in the page, or to be checked ("check")

function init(args)
  slug = args[1]
  worker = signer + (tonumber(args[2]) or 0)
  n = 0
  no_script_every = tonumber(args[4]) or 10
  form_path = "/c/" .. slug .. "/sign/"
  origin = "http://" .. wrk.host .. ":" .. wrk.port
  log = assert(io.open(args[3] .. "." .. signer, "w"))
  log:setvbuf("full", 65536) -- written out as wrk exits
end

function request()
  -- The post once a form came back usable; else, and after an answer lost with its
  -- connection (which wrk counts), a GET of the form.
  pending, sent_at = post_body and post_kind or "get", now()
  if pending ~= "get" then
    local body = post_body
    post_body = nil
    return wrk.format("POST", form_path, {
      ["Accept-Language"] = "ru",
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=" .. cookie,
      ["Origin"] = origin,
      ["Referer"] = origin .. form_path,
      -- After the confirmation: a new signer, a new browser.
      ["Connection"] = pending == "post" and "close" or "keep-alive",
    }, body)
  end
  return wrk.format("GET", form_path, { ["Accept-Language"] = "ru" })
end

local function header(headers, name) -- names as each server spelt them
  for key, value in pairs(headers) do
    if key:lower() == name then return value end
  end
  return ""
end

function response(status, headers, body)
  local answered, kind = now(), pending
  pending = nil
  if not kind then return end
  local unclear = status >= 500 and not (status == 503 and body:find(UNAVAILABLE_PAGE, 1, true))
  local outcome
  if kind == "get" then
    token = body:match('name="csrfmiddlewaretoken" value="([^"]+)"')
    cookie = header(headers, "set-cookie"):match("csrftoken=([^;]+)")
    if status == 200 and token and cookie then
      n = n + 1
      local fields = claims(worker, n)
      local scripted = (worker + n) % no_script_every ~= 0
      post_kind = scripted and "post" or "check"
      post_body = "csrfmiddlewaretoken=" .. encode(token)
        .. "&full_name=" .. encode(fields.full_name) .. "&region=" .. encode(fields.region)
        .. "&publication=" .. fields.publication .. (scripted and "&checked_in_page=1" or "")
    end
    outcome = post_body and "1" or "0"
  elseif kind == "check" then
    local answers = body:match('name="answers" value="([^"]+)"')
    if status == 200 and answers then
      post_kind = "post"
      post_body = "csrfmiddlewaretoken=" .. encode(token) .. "&answers=" .. encode(answers)
        .. "&confirm=1"
    end
    outcome = post_body and "1" or "0"
  else
    outcome = header(headers, "location"):match("/r/([^/]+)/") or "-"
  end
  log:write(string.format("%s %.6f %.6f %d %s %d\n", kind, sent_at, answered, status, outcome,
    unclear and 1 or 0))
end

function done(summary)
  local errors = summary.errors
  io.write(string.format(
    '{"seconds": %.3f, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.duration / 1e6, errors.connect, errors.read, errors.write, errors.timeout))
end
