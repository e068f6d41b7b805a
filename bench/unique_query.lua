-- wrk script: a unique query string on every request, so that the public page cache always misses.
-- Each thread numbers its requests; the thread id and the start time keep threads and runs apart.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  counter = 0
  prefix = tostring(tid) .. "-" .. tostring(os.time()) .. "-" .. tostring(math.random(1, 1000000))
  sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
end

function request()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. sep .. "bench=" .. prefix .. "-" .. counter)
end
