// Reads the graph a compiled forward is built from (netPlan and gpuPlan take the same six
// arguments: inputDims, kinds, ins, ps, bufs, outputs) and the plan handles both hand out, in
// api_plan.cc.
#pragma once
#include <cstdint>
#include <memory>
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

}  // namespace bs
