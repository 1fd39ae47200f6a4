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
  return planExternal<GpuPlanHandle>(info.Env(), std::make_unique<GpuPlan>(static_cast<int>(device), g.inputs, g.ops, g.outputs));
}

// gpuPlanRun(plan, inputs: NativeBuffer[], outputs: NativeBuffer[]), all float32 on the plan's GPU.
Napi::Value GpuPlanRun(const Napi::CallbackInfo& info) {
  Args args(info, "gpuPlanRun", 3);
  GpuPlan* plan = planOf(args);
  runPlan(args, *plan, Device{DeviceType::Gpu, plan->device()});
  return info.Env().Undefined();
}

// gpuPlanStats(plan) → { runs, bytes, buffers, kernels }
Napi::Value GpuPlanStats(const Napi::CallbackInfo& info) {
  Args args(info, "gpuPlanStats", 1);
  GpuPlan* plan = planOf(args);
  return planStats(info.Env(), {{"runs", static_cast<double>(plan->runs())},
                                {"bytes", static_cast<double>(plan->bytes())},
                                {"buffers", static_cast<double>(plan->buffers())},
                                {"kernels", static_cast<double>(plan->kernels())}});
}

}  // namespace bs
