-- wrk script: varied, valid reports from one partner, each with a unique externalRef.
-- TOKEN, RUN and INTAKE_PATH come from the environment (the bench sets them).
local token = os.getenv("TOKEN")
local run = os.getenv("RUN")
local types = {"SEIZURE", "PRECURSOR_SHIPMENT", "SUSPICIOUS_ORDER", "EMERGING_TREND"}
local recipients = {"CN-NNCC", "CN-GACC", "CN-MPS"}
local substances = {{"NPP", "39742-60-4"}, {"4-ANPP", "21409-26-7"}, {"acetone", "67-64-1"},
                    {"fentanyl", "437-38-7"}, {"4-AP", "23056-29-3"}, {"toluene", "108-88-3"}}
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
end

request = function()
  counter = counter + 1
  local a = substances[math.random(#substances)]
  local b = substances[math.random(#substances)]
  local body = string.format('{"externalRef":"BENCH-%s-I-%d-%d-%d","type":"%s","title":"Benchmark report %d",'
    .. '"summary":"%s","occurredAt":"2026-11-01T10:00:00Z","tlp":"GREEN","handling":{"releasableTo":["%s"]},'
    .. '"grading":{"sourceReliability":"B","informationCredibility":%d},'
    .. '"substances":[{"name":"%s","casNumber":"%s","quantity":%d,"unit":"kg"},{"name":"%s","casNumber":"%s","quantity":%d.5,"unit":"g"}],'
    .. '"shipment":{"originCountry":"US","destinationCountry":"MX","containerNumber":"CSQU3054383","hsCode":"2933.39"}}',
    run, tid or 0, counter, math.random(1, 1000000000), types[counter % #types + 1], counter,
    string.rep("x", 100 + math.random(900)), recipients[counter % #recipients + 1], math.random(6),
    a[1], a[2], math.random(500), b[1], b[2], math.random(0, 99))
  return wrk.format("POST", os.getenv("INTAKE_PATH"), {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token}, body)
end
