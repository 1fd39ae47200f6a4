// Entry points for matmul and linear, sync and async. The async variants validate on the main
// thread, then run the same kernel in a Napi::AsyncWorker whose Execute() never touches JS; the
// worker holds shared_ptrs to every Storage so a dispose() or GC meanwhile cannot free them.
#include <oneapi/dnnl/dnnl.hpp>

#include <functional>
#include <vector>

#include "api.h"
#include "args.h"

namespace bs {

namespace {

struct Parsed {
  Device device;
  std::vector<std::shared_ptr<Storage>> keep;  // filled only for async calls
};

void checkBatched(const Ctx& ctx, const char* what, const char* blockName, int64_t bufElems,
                  int64_t batch, int64_t block, int64_t batchStride) {
  if (batch == 0 || block == 0) return;
  const __int128 reach = static_cast<__int128>(batch - 1) * batchStride + block - 1;
  if (reach >= bufElems)
    failAt(ctx, code::kBounds,
           "%s: %lld blocks of %s = %lld elements, %lld apart, reach element %.0f, but the buffer "
           "holds %lld elements",
           what, (long long)batch, blockName, (long long)block, (long long)batchStride,
           static_cast<double>(reach), (long long)bufElems);
}

MatmulParams parseMatmul(const Args& args, Parsed& parsed, bool keep) {
  MatmulParams p;
  p.dtype = args.dtype(0);
  if (p.dtype == DType::Bool) failAt(args.ctx, code::kDtype, "does not support bool");
  Storage* a = args.buffer(1, "a");
  Storage* b = args.buffer(2, "b");
  Storage* out = args.buffer(3, "out");
  p.batch = args.index(4, "batch");
  p.m = args.index(5, "m");
  p.n = args.index(6, "n");
  p.k = args.index(7, "k");
  p.transA = args.boolean(8, "transA");
  p.transB = args.boolean(9, "transB");
  p.aBatchStride = args.index(10, "aBatchStride");
  p.bBatchStride = args.index(11, "bBatchStride");
  parsed.device = sameDevice(args.ctx, {a, b, out});

  const int64_t outCount = checkedMul(args.ctx, p.batch, p.m, p.n);
  const int64_t aBlock = checkedMul(args.ctx, p.m, p.k), bBlock = checkedMul(args.ctx, p.k, p.n);
  checkElems(args.ctx, "out", elems(out, p.dtype), outCount);
  // Each A[p] is an m*k block at p * aBatchStride (likewise B): check the last one's end.
  checkBatched(args.ctx, "a", "m*k", elems(a, p.dtype), p.batch, aBlock, p.aBatchStride);
  checkBatched(args.ctx, "b", "k*n", elems(b, p.dtype), p.batch, bBlock, p.bBatchStride);
  p.a = a->data;
  p.b = b->data;
  p.out = out->data;
  if (keep) parsed.keep = {args.shared(1, "a"), args.shared(2, "b"), args.shared(3, "out")};
  return p;
}

LinearParams parseLinear(const Args& args, Parsed& parsed, bool keep) {
  LinearParams p;
  p.dtype = args.dtype(0);
  if (!isFloat(p.dtype))
    failAt(args.ctx, code::kDtype, "needs float32 or float64, got %s", dtypeName(p.dtype));
  Storage* x = args.buffer(1, "x");
  Storage* w = args.buffer(2, "w");
  Storage* bias = args.isNull(3) ? nullptr : args.buffer(3, "bias");
  Storage* out = args.buffer(4, "out");
  p.rows = args.index(5, "rows");
  p.inUnits = args.index(6, "inUnits");
  p.outUnits = args.index(7, "outUnits");
  const double act = args.number(8, "activation");
  if (!(act == -1 || (act >= 0 && act < kNumPlainUnaryOps && act == static_cast<int>(act))))
    failAt(args.ctx, code::kArgs, "activation must be -1 or a unary op code 0..%d, got %g",
           kNumPlainUnaryOps - 1, act);
  p.activation = static_cast<int>(act);
  parsed.device = sameDevice(args.ctx, {x, w, bias, out});
  checkElems(args.ctx, "x", elems(x, p.dtype), checkedMul(args.ctx, p.rows, p.inUnits));
  checkElems(args.ctx, "w", elems(w, p.dtype), checkedMul(args.ctx, p.outUnits, p.inUnits));
  if (bias) checkElems(args.ctx, "bias", elems(bias, p.dtype), p.outUnits);
  checkElems(args.ctx, "out", elems(out, p.dtype), checkedMul(args.ctx, p.rows, p.outUnits));
  p.x = x->data;
  p.w = w->data;
  p.bias = bias ? bias->data : nullptr;
  p.out = out->data;
  if (keep) {
    parsed.keep = {args.shared(1, "x"), args.shared(2, "w"), args.shared(4, "out")};
    if (bias) parsed.keep.push_back(args.shared(3, "bias"));
  }
  return p;
}

class KernelWorker final : public Napi::AsyncWorker {
 public:
  KernelWorker(Napi::Env env, const char* kernel, std::function<void()> job,
               std::vector<std::shared_ptr<Storage>> keep)
      : Napi::AsyncWorker(env, kernel),
        deferred_(Napi::Promise::Deferred::New(env)),
        job_(std::move(job)),
        keep_(std::move(keep)),
        kernel_(kernel) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      job_();
    } catch (const NativeError& e) {
      code_ = e.code;
      SetError(e.message);
    } catch (const dnnl::error& e) {
      code_ = code::kDnnl;
      SetError(std::string(kernel_) + ": oneDNN failed: " + e.what());
    } catch (const std::bad_alloc&) {
      code_ = code::kOom;
      SetError(std::string(kernel_) + ": out of memory for a temporary buffer");
    }
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override {
    deferred_.Reject(codedError(Env(), code_, e.Message()).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::function<void()> job_;
  std::vector<std::shared_ptr<Storage>> keep_;
  const char* kernel_;
  const char* code_ = code::kArgs;
};

Napi::Value rejected(Napi::Env env, const NativeError& e) {
  auto d = Napi::Promise::Deferred::New(env);
  d.Reject(codedError(env, e.code, e.message).Value());
  return d.Promise();
}

// One entry point per kernel, sync or async, written once: parse and check on the main thread,
// then run now (errors propagate to addon.cc's guard) or in a worker (errors reject the promise).
template <typename Params, typename Parse, typename Run>
Napi::Value entry(const Napi::CallbackInfo& info, const char* kernel, size_t argc, bool async, Parse parse, Run run) {
  if (!async) {
    Args args(info, kernel, argc);
    Parsed parsed;
    Params p = parse(args, parsed, false);
    run(backendFor(parsed.device.type), p);
    return info.Env().Undefined();
  }
  try {
    Args args(info, kernel, argc);
    Parsed parsed;
    Params p = parse(args, parsed, true);
    Backend* backend = &backendFor(parsed.device.type);
    auto* worker = new KernelWorker(info.Env(), kernel, [p, backend, run] { run(*backend, p); },
                                    std::move(parsed.keep));
    Napi::Value promise = worker->promise();
    worker->Queue();
    return promise;
  } catch (const NativeError& e) {
    return rejected(info.Env(), e);
  }
}

void runMatmul(Backend& backend, const MatmulParams& p) { backend.matmul(p); }
void runLinear(Backend& backend, const LinearParams& p) { backend.linear(p); }

}  // namespace

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  return entry<MatmulParams>(info, "matmul", 12, false, parseMatmul, runMatmul);
}

Napi::Value Linear(const Napi::CallbackInfo& info) {
  return entry<LinearParams>(info, "linear", 9, false, parseLinear, runLinear);
}

Napi::Value MatmulAsync(const Napi::CallbackInfo& info) {
  return entry<MatmulParams>(info, "matmulAsync", 12, true, parseMatmul, runMatmul);
}

Napi::Value LinearAsync(const Napi::CallbackInfo& info) {
  return entry<LinearParams>(info, "linearAsync", 9, true, parseLinear, runLinear);
}

}  // namespace bs
