// Entry points of compiled graph forwards (net_plan.h): netPlan builds one, netPlanRun runs it,
// netPlanStats reports what it holds and how often it ran.
#include <memory>
#include <vector>

#include "api.h"
#include "args.h"
#include "net_plan.h"
#include "plan_args.h"

namespace bs {

namespace {

struct NetPlanHandle {
  static constexpr uint64_t kMagic = 0x42534e4554504c31ull;  // "BSNETPL1"
  uint64_t magic = kMagic;
  std::unique_ptr<NetPlan> plan;
};

napi_value element(const Args& args, napi_value arr, uint32_t j, const char* name) {
  napi_value v;
  if (napi_get_element(args.env(), arr, j, &v) != napi_ok) failAt(args.ctx, code::kArgs, "%s[%u] is missing", name, j);
  return v;
}

uint32_t lengthOf(const Args& args, napi_value arr, const char* name) {
  bool isArray = false;
  napi_is_array(args.env(), arr, &isArray);
  if (!isArray) failAt(args.ctx, code::kArgs, "%s must be an array", name);
  uint32_t len = 0;
  napi_get_array_length(args.env(), arr, &len);
  return len;
}

std::vector<double> numbers(const Args& args, napi_value arr, const char* name) {
  const uint32_t n = lengthOf(args, arr, name);
  std::vector<double> out(n);
  for (uint32_t j = 0; j < n; j++)
    if (napi_get_value_double(args.env(), element(args, arr, j, name), &out[j]) != napi_ok)
      failAt(args.ctx, code::kArgs, "%s[%u] must be a number", name, j);
  return out;
}

}  // namespace

napi_value planElement(const Args& args, napi_value arr, uint32_t j, const char* name) { return element(args, arr, j, name); }
uint32_t planLength(const Args& args, napi_value arr, const char* name) { return lengthOf(args, arr, name); }

void* planHandle(const Args& args, napi_value v, uint64_t magic, const char* maker) {
  void* data = nullptr;
  if (napi_get_value_external(args.env(), v, &data) != napi_ok || data == nullptr || *static_cast<const uint64_t*>(data) != magic)
    failAt(args.ctx, code::kArgs, "plan must come from %s()", maker);
  return data;
}

Napi::Object planStats(Napi::Env env, std::initializer_list<std::pair<const char*, double>> fields) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& [name, value] : fields) o.Set(name, Napi::Number::New(env, value));
  return o;
}

int64_t planElems(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

// A live NativeBuffer on `device`, or null where allowed.
std::shared_ptr<Storage> planBuffer(const Args& args, napi_value v, const char* name, bool allowNull, Device device) {
  napi_valuetype t;
  napi_typeof(args.env(), v, &t);
  if (allowNull && (t == napi_null || t == napi_undefined)) return nullptr;
  void* data = nullptr;
  if (napi_get_value_external(args.env(), v, &data) != napi_ok || data == nullptr ||
      static_cast<BufferHandle*>(data)->magic != BufferHandle::kMagic)
    failAt(args.ctx, code::kArgs, "%s must be a NativeBuffer from alloc()", name);
  auto* h = static_cast<BufferHandle*>(data);
  if (!h->storage) failAt(args.ctx, code::kDisposed, "%s was used after dispose()", name);
  if (h->storage->device != device) {
    char got[32], want[32];
    deviceName(h->storage->device, got, sizeof got);
    deviceName(device, want, sizeof want);
    failAt(args.ctx, code::kDevice, "%s is on %s but the plan runs on %s", name, got, want);
  }
  return h->storage;
}

PlanGraph readPlanGraph(const Args& args, size_t first, Device device) {
  PlanGraph g;
  const uint32_t nIn = lengthOf(args, args.at(first), "inputDims");
  for (uint32_t i = 0; i < nIn; i++) {
    std::vector<int64_t> d;
    for (double v : numbers(args, element(args, args.at(first), i, "inputDims"), "inputDims[i]")) d.push_back(static_cast<int64_t>(v));
    g.inputs.push_back(d);
  }
  const std::vector<double> kinds = numbers(args, args.at(first + 1), "kinds");
  const uint32_t nOps = static_cast<uint32_t>(kinds.size());
  if (lengthOf(args, args.at(first + 2), "ins") != nOps || lengthOf(args, args.at(first + 3), "ps") != nOps ||
      lengthOf(args, args.at(first + 4), "bufs") != nOps)
    failAt(args.ctx, code::kArgs, "ins, ps and bufs need one entry per op");
  g.ops.resize(nOps);
  for (uint32_t j = 0; j < nOps; j++) {
    NetOp& op = g.ops[j];
    op.kind = static_cast<int>(kinds[j]);
    if (op.kind < 0 || op.kind >= kNumNetOps) failAt(args.ctx, code::kArgs, "kinds[%u] = %d is not an op kind", j, op.kind);
    for (double v : numbers(args, element(args, args.at(first + 2), j, "ins"), "ins[j]")) {
      if (!(v >= 0 && v < nIn + j)) failAt(args.ctx, code::kArgs, "op %u reads value %g, defined later or never", j, v);
      op.in.push_back(static_cast<int>(v));
    }
    op.p = numbers(args, element(args, args.at(first + 3), j, "ps"), "ps[j]");
    napi_value bl = element(args, args.at(first + 4), j, "bufs");
    const uint32_t nb = lengthOf(args, bl, "bufs[j]");
    for (uint32_t k = 0; k < nb; k++) op.bufs.push_back(planBuffer(args, element(args, bl, k, "bufs[j]"), "bufs[j][k]", true, device));
  }
  for (double v : numbers(args, args.at(first + 5), "outputs")) {
    if (!(v >= 0 && v < nIn + nOps)) failAt(args.ctx, code::kArgs, "output value %g is not defined", v);
    g.outputs.push_back(static_cast<int>(v));
  }
  return g;
}

namespace {

constexpr Device kCpu{DeviceType::Cpu, 0};

NetPlan* planOf(const Args& args) {
  return static_cast<NetPlanHandle*>(planHandle(args, args.at(0), NetPlanHandle::kMagic, "netPlan"))->plan.get();
}

}  // namespace

// netPlan(inputDims: number[][], ops: {kind, in[], p[], bufs[]} flattened as kinds[], ins[][], ps[][], bufs[][], outputs[])
Napi::Value NetPlanCreate(const Napi::CallbackInfo& info) {
  Args args(info, "netPlan", 6);
  PlanGraph g = readPlanGraph(args, 0, kCpu);
  return planExternal<NetPlanHandle>(info.Env(), std::make_unique<NetPlan>(g.inputs, g.ops, g.outputs));
}

// netPlanRun(plan, inputs: NativeBuffer[], outputs: NativeBuffer[])
Napi::Value NetPlanRun(const Napi::CallbackInfo& info) {
  Args args(info, "netPlanRun", 3);
  runPlan(args, *planOf(args), kCpu);
  return info.Env().Undefined();
}

// netPlanStats(plan) → { runs, bytes, actions, threads }
Napi::Value NetPlanStats(const Napi::CallbackInfo& info) {
  Args args(info, "netPlanStats", 1);
  NetPlan* plan = planOf(args);
  return planStats(info.Env(), {{"runs", static_cast<double>(plan->runs())},
                                {"bytes", static_cast<double>(plan->bytes())},
                                {"actions", static_cast<double>(plan->actions())},
                                {"threads", static_cast<double>(plan->threads())}});
}

}  // namespace bs
