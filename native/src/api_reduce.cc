// Entry points for reductions and softmax.
#include "api.h"
#include "args.h"

namespace bs {

Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Args args(info, "reduce", 6);
  ReduceParams p;
  p.op = args.code(0, kNumReduceOps, "op");
  args.ctx.op = reduceName(p.op);
  p.dtype = args.dtype(1);
  const bool arg = p.op == kArgmax || p.op == kArgmin;
  if (p.op == kMean && !isFloat(p.dtype))
    failAt(args.ctx, code::kDtype, "needs float32 or float64, got %s (cast first)", dtypeName(p.dtype));
  Storage* x = args.buffer(2, "x");
  args.dims(3, "xShape", p.shape);
  Dims axes;
  args.dims(4, "axes", axes);
  Storage* out = args.buffer(5, "out");
  Device dev = sameDevice(args.ctx, {x, out});

  for (int i = 0; i < p.shape.n; i++) p.reduced[i] = false;
  for (int i = 0; i < axes.n; i++) {
    if (axes[i] >= p.shape.n)
      failAt(args.ctx, code::kArgs, "axis %lld is out of range for rank %d", (long long)axes[i], p.shape.n);
    if (i > 0 && axes[i] <= axes[i - 1])
      failAt(args.ctx, code::kArgs, "axes must be sorted and unique");
    p.reduced[axes[i]] = true;
  }
  if (arg && axes.n != 1) failAt(args.ctx, code::kArgs, "takes exactly one axis, got %d", axes.n);

  const int64_t n = elementCount(args.ctx, p.shape);
  int64_t outCount = 1, extent = 1;
  for (int i = 0; i < p.shape.n; i++) (p.reduced[i] ? extent : outCount) *= p.shape[i];
  if (extent == 0 && outCount > 0 && p.op != kSum && p.op != kProd && p.op != kMean)
    failAt(args.ctx, code::kArgs, "cannot reduce an empty extent (no identity for %s)", reduceName(p.op));
  checkElems(args.ctx, "x", elems(x, p.dtype), n);
  checkElems(args.ctx, "out", elems(out, arg ? DType::I64 : p.dtype), outCount);
  p.x = x->data;
  p.out = out->data;
  if (outCount > 0) backendFor(dev.type).reduce(p);
  return info.Env().Undefined();
}

namespace {

Napi::Value softmaxEntry(const Napi::CallbackInfo& info, bool backward) {
  const char* kernel = backward ? "softmaxBackward" : "softmax";
  Args args(info, kernel, backward ? 8 : 7);
  SoftmaxParams p;
  p.dtype = args.dtype(0);
  if (!isFloat(p.dtype))
    failAt(args.ctx, code::kDtype, "needs float32 or float64, got %s", dtypeName(p.dtype));
  size_t i = 1;
  Storage* x = args.buffer(i++, backward ? "y" : "x");
  Storage* dy = backward ? args.buffer(i++, "dy") : nullptr;
  Storage* out = args.buffer(i++, backward ? "dx" : "out");
  p.outer = args.index(i++, "outer");
  p.axisLen = args.index(i++, "axisLen");
  p.inner = args.index(i++, "inner");
  p.log = args.boolean(i++, "log");
  Device dev = sameDevice(args.ctx, {x, dy, out});
  const int64_t n = checkedMul(args.ctx, p.outer, p.axisLen, p.inner);
  checkElems(args.ctx, backward ? "y" : "x", elems(x, p.dtype), n);
  if (dy) checkElems(args.ctx, "dy", elems(dy, p.dtype), n);
  checkElems(args.ctx, backward ? "dx" : "out", elems(out, p.dtype), n);
  p.x = x->data;
  p.dy = dy ? dy->data : nullptr;
  p.out = out->data;
  if (n > 0) {
    if (backward)
      backendFor(dev.type).softmaxBackward(p);
    else
      backendFor(dev.type).softmax(p);
  }
  return info.Env().Undefined();
}

}  // namespace

Napi::Value Softmax(const Napi::CallbackInfo& info) { return softmaxEntry(info, false); }
Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) { return softmaxEntry(info, true); }

}  // namespace bs
