// Entry points for the fused training ops (linearBackward, optimizerUpdate) and the prepared
// linear chains of hybridized blocks (linearPlan, linearPlanRun).
#include <cmath>
#include <memory>
#include <vector>

#include "api.h"
#include "args.h"

namespace bs {

namespace {

Napi::Value undef(const Napi::CallbackInfo& info) { return info.Env().Undefined(); }

Storage* optionalBuffer(const Args& args, size_t i, const char* name) {
  return args.isNull(i) ? nullptr : args.buffer(i, name);
}

// Element j of the array argument i, as a live NativeBuffer (or null when allowNull and it is null).
std::shared_ptr<Storage> elementBuffer(const Args& args, size_t i, uint32_t j, const char* name, bool allowNull) {
  napi_env env = args.env();
  napi_value v;
  if (napi_get_element(env, args.at(i), j, &v) != napi_ok) failAt(args.ctx, code::kArgs, "%s[%u] is missing", name, j);
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (allowNull && (t == napi_null || t == napi_undefined)) return nullptr;
  void* data = nullptr;
  if (napi_get_value_external(env, v, &data) != napi_ok || data == nullptr ||
      static_cast<BufferHandle*>(data)->magic != BufferHandle::kMagic)
    failAt(args.ctx, code::kArgs, "%s[%u] must be a NativeBuffer from alloc()", name, j);
  auto* h = static_cast<BufferHandle*>(data);
  if (!h->storage) failAt(args.ctx, code::kDisposed, "%s[%u] was used after dispose()", name, j);
  return h->storage;
}

uint32_t arrayLength(const Args& args, size_t i, const char* name) {
  bool isArray = false;
  napi_is_array(args.env(), args.at(i), &isArray);
  if (!isArray) failAt(args.ctx, code::kArgs, "%s must be an array", name);
  uint32_t len = 0;
  napi_get_array_length(args.env(), args.at(i), &len);
  return len;
}

struct PlanHandle {
  static constexpr uint64_t kMagic = 0x42534d4e504c4e31ull;  // "BSMNPLN1"
  uint64_t magic = kMagic;
  std::unique_ptr<LinearPlan> plan;
  int64_t bytes = 0;  // the packed weights and hidden activations it holds, reported to V8 as external memory
};

bool activationFromY(int act) { return act == -1 || act == kRelu || act == kSigmoid || act == kTanh; }

int activationCode(const Args& args, double act) {
  if (!(act == -1 || (act >= 0 && act < kNumPlainUnaryOps && act == static_cast<int>(act))))
    failAt(args.ctx, code::kArgs, "activation must be -1 or a unary op code 0..%d, got %g", kNumPlainUnaryOps - 1, act);
  return static_cast<int>(act);
}

}  // namespace

// linearBackward(dtype, x, w, y, dy, activation, dx|null, dw|null, db|null, rows, inUnits, outUnits)
Napi::Value LinearBackward(const Napi::CallbackInfo& info) {
  Args args(info, "linearBackward", 12);
  LinearBackwardParams p;
  p.dtype = args.dtype(0);
  if (!isFloat(p.dtype)) failAt(args.ctx, code::kDtype, "needs float32 or float64, got %s", dtypeName(p.dtype));
  Storage* x = args.buffer(1, "x");
  Storage* w = args.buffer(2, "w");
  Storage* y = args.buffer(3, "y");
  Storage* dy = args.buffer(4, "dy");
  p.activation = activationCode(args, args.number(5, "activation"));
  if (!activationFromY(p.activation))
    failAt(args.ctx, code::kArgs, "activation %s has no derivative from its output; use relu, sigmoid, tanh or -1",
           unaryName(p.activation));
  Storage* dx = optionalBuffer(args, 6, "dx");
  Storage* dw = optionalBuffer(args, 7, "dw");
  Storage* db = optionalBuffer(args, 8, "db");
  p.rows = args.index(9, "rows");
  p.inUnits = args.index(10, "inUnits");
  p.outUnits = args.index(11, "outUnits");
  Device dev = sameDevice(args.ctx, {x, w, y, dy, dx, dw, db});
  const int64_t nOut = checkedMul(args.ctx, p.rows, p.outUnits);
  const int64_t nIn = checkedMul(args.ctx, p.rows, p.inUnits);
  const int64_t nW = checkedMul(args.ctx, p.outUnits, p.inUnits);
  checkElems(args.ctx, "x", elems(x, p.dtype), nIn);
  checkElems(args.ctx, "w", elems(w, p.dtype), nW);
  checkElems(args.ctx, "y", elems(y, p.dtype), nOut);
  checkElems(args.ctx, "dy", elems(dy, p.dtype), nOut);
  if (dx) checkElems(args.ctx, "dx", elems(dx, p.dtype), nIn);
  if (dw) checkElems(args.ctx, "dw", elems(dw, p.dtype), nW);
  if (db) checkElems(args.ctx, "db", elems(db, p.dtype), p.outUnits);
  for (Storage* o : {dx, dw, db}) {
    if (o && (o == x || o == w || o == y || o == dy))
      failAt(args.ctx, code::kArgs, "an output buffer may not also be an input");
  }
  p.x = x->data;
  p.w = w->data;
  p.y = y->data;
  p.dy = dy->data;
  p.dx = dx ? dx->data : nullptr;
  p.dw = dw ? dw->data : nullptr;
  p.db = db ? db->data : nullptr;
  linearBackward(backendFor(dev.type), dev, p);
  return undef(info);
}

// optimizerUpdate(kind, dtype, w, g, s0|null, s1|null, n, hyper[11]):
// hyper = [lr, wd, rescale, clip (-1: none), momentum, beta1, beta2, epsilon, c1, c2, rescaleFirst (0/1)]
Napi::Value OptimizerUpdate(const Napi::CallbackInfo& info) {
  Args args(info, "optimizerUpdate", 8);
  OptimizerParams p;
  p.kind = args.code(0, kNumOptimizerKinds, "kind");
  p.dtype = args.dtype(1);
  if (!isFloat(p.dtype)) failAt(args.ctx, code::kDtype, "needs float32 or float64, got %s", dtypeName(p.dtype));
  Storage* w = args.buffer(2, "w");
  Storage* g = args.buffer(3, "g");
  Storage* s0 = optionalBuffer(args, 4, "s0");
  Storage* s1 = optionalBuffer(args, 5, "s1");
  p.n = args.index(6, "n");
  if (p.kind != kSgd && (!s0 || !s1)) failAt(args.ctx, code::kArgs, "Adam needs both state buffers (mean, var)");
  if (p.kind == kSgd && s1) failAt(args.ctx, code::kArgs, "SGD has one state buffer (momentum); s1 must be null");
  if (arrayLength(args, 7, "hyper") != 11) failAt(args.ctx, code::kArgs, "hyper must hold 11 numbers");
  double h[11];
  for (uint32_t j = 0; j < 11; j++) {
    napi_value v;
    if (napi_get_element(args.env(), args.at(7), j, &v) != napi_ok || napi_get_value_double(args.env(), v, &h[j]) != napi_ok ||
        !std::isfinite(h[j]))
      failAt(args.ctx, code::kArgs, "hyper[%u] must be a finite number", j);
  }
  p.lr = h[0];
  p.wd = h[1];
  p.rescale = h[2];
  p.clip = h[3];
  p.momentum = h[4];
  p.beta1 = h[5];
  p.beta2 = h[6];
  p.epsilon = h[7];
  p.c1 = h[8];
  p.c2 = h[9];
  p.rescaleFirst = h[10] != 0;
  Device dev = sameDevice(args.ctx, {w, g, s0, s1});
  checkElems(args.ctx, "w", elems(w, p.dtype), p.n);
  checkElems(args.ctx, "g", elems(g, p.dtype), p.n);
  if (s0) checkElems(args.ctx, "s0", elems(s0, p.dtype), p.n);
  if (s1) checkElems(args.ctx, "s1", elems(s1, p.dtype), p.n);
  p.w = w->data;
  p.g = g->data;
  p.s0 = s0 ? s0->data : nullptr;
  p.s1 = s1 ? s1->data : nullptr;
  if (p.n > 0) backendFor(dev.type).optimizerUpdate(p);
  return undef(info);
}

// linearPlan(dtype, rows, weights[], biases[] (null entries allowed), units[] (in0, out0, out1, ...),
// activations[]) → an External holding the plan (CPU only).
Napi::Value LinearPlanCreate(const Napi::CallbackInfo& info) {
  Args args(info, "linearPlan", 6);
  const DType dtype = args.dtype(0);
  if (!isFloat(dtype)) failAt(args.ctx, code::kDtype, "needs float32 or float64, got %s", dtypeName(dtype));
  const int64_t rows = args.index(1, "rows");
  const uint32_t count = arrayLength(args, 2, "weights");
  if (count == 0) failAt(args.ctx, code::kArgs, "a plan needs at least one layer");
  if (arrayLength(args, 3, "biases") != count) failAt(args.ctx, code::kArgs, "biases must have one entry per layer");
  Dims units, acts;
  args.dims(4, "units", units);
  if (static_cast<uint32_t>(units.n) != count + 1) failAt(args.ctx, code::kArgs, "units must have layers + 1 entries");
  if (arrayLength(args, 5, "activations") != count) failAt(args.ctx, code::kArgs, "activations must have one entry per layer");
  std::vector<LinearPlan::Layer> layers;
  for (uint32_t j = 0; j < count; j++) {
    LinearPlan::Layer l;
    l.w = elementBuffer(args, 2, j, "weights", false);
    l.bias = elementBuffer(args, 3, j, "biases", true);
    l.inUnits = units[j];
    l.outUnits = units[j + 1];
    napi_value v;
    double act;
    if (napi_get_element(args.env(), args.at(5), j, &v) != napi_ok || napi_get_value_double(args.env(), v, &act) != napi_ok)
      failAt(args.ctx, code::kArgs, "activations[%u] must be a number", j);
    l.activation = activationCode(args, act);
    if (l.w->device.type != DeviceType::Cpu || (l.bias && l.bias->device.type != DeviceType::Cpu))
      failAt(args.ctx, code::kArgs, "plans run on the cpu device only; layer %u has gpu parameters", j);
    checkElems(args.ctx, "weights[j]", elems(l.w.get(), dtype), checkedMul(args.ctx, l.outUnits, l.inUnits));
    if (l.bias) checkElems(args.ctx, "biases[j]", elems(l.bias.get(), dtype), l.outUnits);
    checkedMul(args.ctx, rows, l.outUnits);
    layers.push_back(std::move(l));
  }
  checkedMul(args.ctx, rows, units[0]);
  // What the plan allocates (a packed copy of each weight, each hidden activation), so that V8
  // counts it when deciding to collect: an eager Dense rebuilds its one-layer plan after every
  // write to its weights (engine/ops/packed-linear.ts), and the old plans are garbage until then.
  int64_t bytes = 0;
  for (size_t j = 0; j < layers.size(); j++)
    bytes += (layers[j].inUnits * layers[j].outUnits + (j + 1 < layers.size() ? rows * layers[j].outUnits : 0)) *
             static_cast<int64_t>(dtypeSize(dtype));
  auto* handle = new PlanHandle();
  try {
    handle->plan = std::make_unique<LinearPlan>(dtype, rows, std::move(layers));
  } catch (...) {
    delete handle;
    throw;
  }
  handle->bytes = bytes;
  Napi::MemoryManagement::AdjustExternalMemory(info.Env(), bytes);
  return Napi::External<PlanHandle>::New(info.Env(), handle, [](Napi::BasicEnv env, PlanHandle* h) {
    Napi::MemoryManagement::AdjustExternalMemory(env, -h->bytes);
    delete h;
  });
}

// linearPlanRun(plan, x, out)
Napi::Value LinearPlanRun(const Napi::CallbackInfo& info) {
  Args args(info, "linearPlanRun", 3);
  void* data = nullptr;
  if (napi_get_value_external(args.env(), args.at(0), &data) != napi_ok || data == nullptr ||
      static_cast<PlanHandle*>(data)->magic != PlanHandle::kMagic)
    failAt(args.ctx, code::kArgs, "plan must come from linearPlan()");
  LinearPlan* plan = static_cast<PlanHandle*>(data)->plan.get();
  Storage* x = args.buffer(1, "x");
  Storage* out = args.buffer(2, "out");
  if (x->device.type != DeviceType::Cpu || out->device.type != DeviceType::Cpu)
    failAt(args.ctx, code::kArgs, "plans run on the cpu device only");
  const auto& layers = plan->layers();
  checkElems(args.ctx, "x", elems(x, plan->dtype()), plan->rows() * layers.front().inUnits);
  checkElems(args.ctx, "out", elems(out, plan->dtype()), plan->rows() * layers.back().outUnits);
  if (out == x) failAt(args.ctx, code::kArgs, "out may not be x");
  plan->run(x->data, out->data);
  return undef(info);
}

}  // namespace bs
