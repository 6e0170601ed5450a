-- wrk: POST the same form with a fresh submission id each time, so every request is
-- a new quiz attempt that is graded and stored (a resent id would only be looked up).
--   wrk -s benchmarks/post_form.lua URL -- BODY_FILE TAG
-- BODY_FILE holds the urlencoded form with SUBMISSION where the id goes; TAG keeps
-- the ids of different runs apart. Headers (Cookie, Content-Type) come from -H.

local threads = 0
local counter = 0
local template, tag

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  template = file:read("*a")
  file:close()
  tag = args[2]
end

function request()
  counter = counter + 1
  local key = string.format("%s-%d-%09d", tag, thread_number, counter)
  local body = template:gsub("SUBMISSION", key)
  return wrk.format("POST", nil, nil, body)
end
