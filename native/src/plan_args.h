// Reads the graph a compiled forward is built from (netPlan and gpuPlan take the same six
// arguments: inputDims, kinds, ins, ps, bufs, outputs) and the plan handles both hand out, in
// api_plan.cc; runs a plan on the buffers netPlanRun and gpuPlanRun take, and makes their stats.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

#include "args.h"
#include "plan_ops.h"

namespace bs {

struct PlanGraph {
  std::vector<std::vector<int64_t>> inputs;  // dims per input value
  std::vector<NetOp> ops;
  std::vector<int> outputs;  // value ids
};

// Reads args first .. first + 5; every parameter buffer must live on `device` (E_DEVICE_MISMATCH).
PlanGraph readPlanGraph(const Args& args, size_t first, Device device);
// A live NativeBuffer on `device` (null where allowed), E_DISPOSED / E_DEVICE_MISMATCH otherwise.
std::shared_ptr<Storage> planBuffer(const Args& args, napi_value v, const char* name, bool allowNull, Device device);
napi_value planElement(const Args& args, napi_value arr, uint32_t j, const char* name);
uint32_t planLength(const Args& args, napi_value arr, const char* name);  // E_NATIVE_ARGS unless an array
// The object behind a plan handle: an External whose object starts with `magic` (NetPlanHandle,
// GpuPlanHandle); E_NATIVE_ARGS "plan must come from <maker>()" for anything else.
void* planHandle(const Args& args, napi_value v, uint64_t magic, const char* maker);
int64_t planElems(const std::vector<int64_t>& dims);  // the element count of a value's dims
// { name: number, ... } in this order: what netPlanStats and gpuPlanStats return.
Napi::Object planStats(Napi::Env env, std::initializer_list<std::pair<const char*, double>> fields);

// `plan` handed to JavaScript as an External of Handle (NetPlanHandle, GpuPlanHandle: a magic
// then the plan), deleted with it when the External is collected.
template <class Handle, class Plan>
Napi::Value planExternal(Napi::Env env, std::unique_ptr<Plan> plan) {
  auto* handle = new Handle();
  handle->plan = std::move(plan);
  return Napi::External<Handle>::New(env, handle, [](Napi::BasicEnv, Handle* h) { delete h; });
}

// Runs `plan` (NetPlan, GpuPlan) on args 1 and 2 (inputs: NativeBuffer[], outputs: NativeBuffer[]),
// float32 buffers on `device`, each holding its value's elements: E_NATIVE_ARGS for other counts
// or an output that is also an input or another output. The buffers are held until the run returns.
template <class Plan>
void runPlan(const Args& args, Plan& plan, Device device) {
  if (planLength(args, args.at(1), "inputs") != plan.numInputs() || planLength(args, args.at(2), "outputs") != plan.numOutputs())
    failAt(args.ctx, code::kArgs, "the plan takes %zu inputs and %zu outputs", plan.numInputs(), plan.numOutputs());
  std::vector<const void*> in;
  std::vector<void*> out;
  std::vector<std::shared_ptr<Storage>> held;
  for (uint32_t i = 0; i < plan.numInputs(); i++) {
    auto s = planBuffer(args, planElement(args, args.at(1), i, "inputs"), "inputs[i]", false, device);
    checkElems(args.ctx, "inputs[i]", elems(s.get(), DType::F32), planElems(plan.dims(static_cast<int>(i))));
    in.push_back(s->data);
    held.push_back(std::move(s));
  }
  for (uint32_t j = 0; j < plan.numOutputs(); j++) {
    auto s = planBuffer(args, planElement(args, args.at(2), j, "outputs"), "outputs[j]", false, device);
    checkElems(args.ctx, "outputs[j]", elems(s.get(), DType::F32), planElems(plan.dims(plan.output(j))));
    for (const auto& h : held)
      if (h == s) failAt(args.ctx, code::kArgs, "an output may not also be an input or another output");
    out.push_back(s->data);
    held.push_back(std::move(s));
  }
  plan.run(in, out);
}

}  // namespace bs
