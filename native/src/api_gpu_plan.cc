// Entry points of GPU plans (gpu_plan.h): gpuPlan builds one on gpu(device) from the graph netPlan
// takes, gpuPlanRun queues a forward (without waiting for the GPU), gpuPlanStats reports what it
// holds and how often it ran. Without CUDA, gpuPlan fails with E_NO_CUDA and the reason.
#include <memory>
#include <vector>

#include "api.h"
#include "args.h"
#include "gpu_plan.h"
#include "plan_args.h"

namespace bs {

namespace {

struct GpuPlanHandle {
  static constexpr uint64_t kMagic = 0x4253475055504c31ull;  // "BSGPUPL1"
  uint64_t magic = kMagic;
  std::unique_ptr<GpuPlan> plan;
};

GpuPlan* planOf(const Args& args) {
  return static_cast<GpuPlanHandle*>(planHandle(args, args.at(0), GpuPlanHandle::kMagic, "gpuPlan"))->plan.get();
}

}  // namespace

// gpuPlan(device, inputDims, kinds, ins, ps, bufs, outputs): netPlan's arguments after a GPU id.
Napi::Value GpuPlanCreate(const Napi::CallbackInfo& info) {
  Args args(info, "gpuPlan", 7);
  const int64_t device = args.index(0, "device");
  if (!cudaCompiled()) failAt(args.ctx, code::kNoCuda, "%s", cudaUnavailableReason());
  PlanGraph g = readPlanGraph(args, 1, Device{DeviceType::Gpu, static_cast<int>(device)});
  auto* handle = new GpuPlanHandle();
  try {
    handle->plan = std::make_unique<GpuPlan>(static_cast<int>(device), g.inputs, g.ops, g.outputs);
  } catch (...) {
    delete handle;
    throw;
  }
  return Napi::External<GpuPlanHandle>::New(info.Env(), handle, [](Napi::BasicEnv, GpuPlanHandle* h) { delete h; });
}

// gpuPlanRun(plan, inputs: NativeBuffer[], outputs: NativeBuffer[]), all float32 on the plan's GPU.
Napi::Value GpuPlanRun(const Napi::CallbackInfo& info) {
  Args args(info, "gpuPlanRun", 3);
  GpuPlan* plan = planOf(args);
  if (planLength(args, args.at(1), "inputs") != plan->numInputs() || planLength(args, args.at(2), "outputs") != plan->numOutputs())
    failAt(args.ctx, code::kArgs, "the plan takes %zu inputs and %zu outputs", plan->numInputs(), plan->numOutputs());
  const Device device{DeviceType::Gpu, plan->device()};
  std::vector<const void*> in;
  std::vector<void*> out;
  std::vector<std::shared_ptr<Storage>> held;
  for (uint32_t i = 0; i < plan->numInputs(); i++) {
    auto s = planBuffer(args, planElement(args, args.at(1), i, "inputs"), "inputs[i]", false, device);
    checkElems(args.ctx, "inputs[i]", elems(s.get(), DType::F32), planElems(plan->dims(static_cast<int>(i))));
    in.push_back(s->data);
    held.push_back(std::move(s));
  }
  for (uint32_t j = 0; j < plan->numOutputs(); j++) {
    auto s = planBuffer(args, planElement(args, args.at(2), j, "outputs"), "outputs[j]", false, device);
    checkElems(args.ctx, "outputs[j]", elems(s.get(), DType::F32), planElems(plan->dims(plan->output(j))));
    for (const auto& h : held)
      if (h == s) failAt(args.ctx, code::kArgs, "an output may not also be an input or another output");
    out.push_back(s->data);
    held.push_back(std::move(s));
  }
  plan->run(in, out);
  return info.Env().Undefined();
}

// gpuPlanStats(plan) → { runs, bytes, buffers, kernels }
Napi::Value GpuPlanStats(const Napi::CallbackInfo& info) {
  Args args(info, "gpuPlanStats", 1);
  GpuPlan* plan = planOf(args);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("runs", Napi::Number::New(info.Env(), static_cast<double>(plan->runs())));
  o.Set("bytes", Napi::Number::New(info.Env(), static_cast<double>(plan->bytes())));
  o.Set("buffers", Napi::Number::New(info.Env(), static_cast<double>(plan->buffers())));
  o.Set("kernels", Napi::Number::New(info.Env(), static_cast<double>(plan->kernels())));
  return o;
}

}  // namespace bs
