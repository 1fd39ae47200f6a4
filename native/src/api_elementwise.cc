// Entry points for fills, casts, random numbers, strided copies and elementwise ops. Each one
// validates everything (types, codes, devices, bounds) before the backend touches memory.
#include "api.h"
#include "args.h"

namespace bs {

namespace {

Napi::Value undef(const Napi::CallbackInfo& info) { return info.Env().Undefined(); }

// A trailing argument older callers leave out (the parametrised activations' alpha).
double optionalNumber(const Napi::CallbackInfo& info, const Ctx& ctx, size_t i, const char* name, double fallback) {
  if (info.Length() <= i || info[i].IsUndefined()) return fallback;
  if (!info[i].IsNumber()) failAt(ctx, code::kArgs, "%s must be a number", name);
  return info[i].As<Napi::Number>().DoubleValue();
}

void requireFloat(const Ctx& ctx, DType d) {
  if (!isFloat(d)) failAt(ctx, code::kDtype, "needs float32 or float64, got %s", dtypeName(d));
}

// Unary ops and their backward take the same dtypes: floats, and integers for the few that keep them.
void checkUnaryDtype(const Ctx& ctx, int op, DType d) {
  if (d == DType::Bool || (!isFloat(d) && !unaryTakesInts(op))) failAt(ctx, code::kDtype, "does not support %s", dtypeName(d));
}

void checkBinaryDtype(const Ctx& ctx, int op, DType d) {
  if (d == DType::Bool && (op == kSub || op == kDiv || op == kPow))
    failAt(ctx, code::kDtype, "does not support bool (use logical ops, or cast first)");
}

// Arguments 0 and 1 of every unary / binary entry point: the op code, which then names the op in
// later errors, and a dtype the op takes.
template <typename P>
void readUnaryOp(Args& args, P& p) {
  p.op = args.code(0, kNumUnaryOps, "op");
  args.ctx.op = unaryName(p.op);
  p.dtype = args.dtype(1);
  checkUnaryDtype(args.ctx, p.op, p.dtype);
}

template <typename P>
void readBinaryOp(Args& args, P& p) {
  p.op = args.code(0, kNumBinaryOps, "op");
  args.ctx.op = binaryName(p.op);
  p.dtype = args.dtype(1);
  checkBinaryDtype(args.ctx, p.op, p.dtype);
}

// Comparisons write bools; the other binary ops write their operands' dtype.
DType binaryOutType(int op, DType d) { return isComparison(op) ? DType::Bool : d; }

// The checked operands of binary() and binaryFlat() into p, then the kernel (n: output elements).
Napi::Value runBinary(const Napi::CallbackInfo& info, BinaryParams& p, Device dev, int64_t n, Storage* a, Storage* b,
                      Storage* out) {
  p.a = a->data;
  p.b = b->data;
  p.out = out->data;
  if (n > 0) backendFor(dev.type).binary(p);
  return undef(info);
}

Napi::Value random(const Napi::CallbackInfo& info, const char* kernel, bool normal) {
  Args args(info, kernel, 7);
  RandomParams p;
  p.dtype = args.dtype(0);
  requireFloat(args.ctx, p.dtype);
  Storage* out = args.buffer(1, "out");
  p.n = args.index(2, "n");
  p.a = args.number(3, normal ? "mean" : "low");
  p.b = args.number(4, normal ? "std" : "high");
  p.seed = static_cast<uint64_t>(args.index(5, "seed"));
  p.counter = static_cast<uint64_t>(args.index(6, "counter"));
  checkElems(args.ctx, "out", elems(out, p.dtype), p.n);
  p.out = out->data;
  p.normal = normal;
  if (p.n > 0) backendFor(out->device.type).random(p);
  return undef(info);
}

}  // namespace

Napi::Value Fill(const Napi::CallbackInfo& info) {
  Args args(info, "fill", 4);
  FillParams p;
  p.dtype = args.dtype(0);
  Storage* out = args.buffer(1, "out");
  p.n = args.index(2, "n");
  p.value = args.number(3, "value");
  checkElems(args.ctx, "out", elems(out, p.dtype), p.n);
  p.out = out->data;
  if (p.n > 0) backendFor(out->device.type).fill(p);
  return undef(info);
}

Napi::Value Cast(const Napi::CallbackInfo& info) {
  Args args(info, "cast", 5);
  CastParams p;
  p.srcDtype = args.dtype(0, "srcDtype");
  Storage* src = args.buffer(1, "src");
  p.dstDtype = args.dtype(2, "dstDtype");
  Storage* dst = args.buffer(3, "dst");
  p.n = args.index(4, "n");
  Device dev = sameDevice(args.ctx, {src, dst});
  checkElems(args.ctx, "src", elems(src, p.srcDtype), p.n);
  checkElems(args.ctx, "dst", elems(dst, p.dstDtype), p.n);
  p.src = src->data;
  p.dst = dst->data;
  if (p.n > 0) backendFor(dev.type).cast(p);
  return undef(info);
}

Napi::Value RandomUniform(const Napi::CallbackInfo& info) { return random(info, "randomUniform", false); }
Napi::Value RandomNormal(const Napi::CallbackInfo& info) { return random(info, "randomNormal", true); }

Napi::Value CopyStrided(const Napi::CallbackInfo& info) {
  Args args(info, "copyStrided", 8);
  CopyStridedParams p;
  p.dtype = args.dtype(0);
  Storage* src = args.buffer(1, "src");
  p.srcOffset = args.index(2, "srcOffset");
  Storage* dst = args.buffer(4, "dst");
  p.dstOffset = args.index(5, "dstOffset");
  args.dims(7, "shape", p.shape);
  args.strides(3, "srcStrides", p.shape.n, p.srcStrides);
  args.strides(6, "dstStrides", p.shape.n, p.dstStrides);
  Device dev = sameDevice(args.ctx, {src, dst});
  elementCount(args.ctx, p.shape);
  checkStrided(args.ctx, "src", elems(src, p.dtype), p.srcOffset, p.srcStrides, p.shape);
  checkStrided(args.ctx, "dst", elems(dst, p.dtype), p.dstOffset, p.dstStrides, p.shape);
  p.src = src->data;
  p.dst = dst->data;
  p.sameStorage = src == dst;
  if (maxReach(0, p.dstStrides, p.shape) >= 0) backendFor(dev.type).copyStrided(p);
  return undef(info);
}

Napi::Value FillStrided(const Napi::CallbackInfo& info) {
  Args args(info, "fillStrided", 6);
  FillStridedParams p;
  p.dtype = args.dtype(0);
  Storage* dst = args.buffer(1, "dst");
  p.dstOffset = args.index(2, "dstOffset");
  args.dims(4, "shape", p.shape);
  args.strides(3, "dstStrides", p.shape.n, p.dstStrides);
  p.value = args.number(5, "value");
  elementCount(args.ctx, p.shape);
  checkStrided(args.ctx, "dst", elems(dst, p.dtype), p.dstOffset, p.dstStrides, p.shape);
  p.dst = dst->data;
  if (maxReach(0, p.dstStrides, p.shape) >= 0) backendFor(dst->device.type).fillStrided(p);
  return undef(info);
}

Napi::Value Unary(const Napi::CallbackInfo& info) {
  Args args(info, "unary", 5);
  UnaryParams p;
  readUnaryOp(args, p);
  Storage* x = args.buffer(2, "x");
  Storage* out = args.buffer(3, "out");
  p.n = args.index(4, "n");
  p.alpha = optionalNumber(info, args.ctx, 5, "alpha", 0.0);
  Device dev = sameDevice(args.ctx, {x, out});
  checkElems(args.ctx, "x", elems(x, p.dtype), p.n);
  checkElems(args.ctx, "out", elems(out, p.dtype), p.n);
  p.x = x->data;
  p.out = out->data;
  if (p.n > 0) backendFor(dev.type).unary(p);
  return undef(info);
}

Napi::Value UnaryBackward(const Napi::CallbackInfo& info) {
  Args args(info, "unaryBackward", 7);
  UnaryBackwardParams p;
  readUnaryOp(args, p);
  Storage* x = args.buffer(2, "x");
  Storage* y = args.buffer(3, "y");
  Storage* dy = args.buffer(4, "dy");
  Storage* dx = args.buffer(5, "dx");
  p.n = args.index(6, "n");
  p.alpha = optionalNumber(info, args.ctx, 7, "alpha", 0.0);
  Device dev = sameDevice(args.ctx, {x, y, dy, dx});
  const int64_t ne = p.n;
  checkElems(args.ctx, "x", elems(x, p.dtype), ne);
  checkElems(args.ctx, "y", elems(y, p.dtype), ne);
  checkElems(args.ctx, "dy", elems(dy, p.dtype), ne);
  checkElems(args.ctx, "dx", elems(dx, p.dtype), ne);
  p.x = x->data;
  p.y = y->data;
  p.dy = dy->data;
  p.dx = dx->data;
  if (p.n > 0) backendFor(dev.type).unaryBackward(p);
  return undef(info);
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  Args args(info, "binary", 8);
  BinaryParams p;
  readBinaryOp(args, p);
  Storage* a = args.buffer(2, "a");
  Storage* b = args.buffer(4, "b");
  Storage* out = args.buffer(6, "out");
  args.dims(7, "outShape", p.shape);
  args.strides(3, "aStrides", p.shape.n, p.aStrides);
  args.strides(5, "bStrides", p.shape.n, p.bStrides);
  Device dev = sameDevice(args.ctx, {a, b, out});
  const int64_t n = elementCount(args.ctx, p.shape);
  checkStrided(args.ctx, "a", elems(a, p.dtype), 0, p.aStrides, p.shape);
  checkStrided(args.ctx, "b", elems(b, p.dtype), 0, p.bStrides, p.shape);
  checkElems(args.ctx, "out", elems(out, binaryOutType(p.op, p.dtype)), n);
  return runBinary(info, p, dev, n, a, b, out);
}

// The common case without the three JS arrays binary() reads: n contiguous elements of each
// operand, or a single element repeated (step 0: an array broadcast from one element).
Napi::Value BinaryFlat(const Napi::CallbackInfo& info) {
  Args args(info, "binaryFlat", 8);
  BinaryParams p;
  readBinaryOp(args, p);
  Storage* a = args.buffer(2, "a");
  const int64_t aStep = args.index(3, "aStep");
  Storage* b = args.buffer(4, "b");
  const int64_t bStep = args.index(5, "bStep");
  Storage* out = args.buffer(6, "out");
  const int64_t n = args.index(7, "n");
  if (aStep > 1 || bStep > 1) failAt(args.ctx, code::kArgs, "aStep and bStep must be 0 or 1, got %lld and %lld",
                                     (long long)aStep, (long long)bStep);
  Device dev = sameDevice(args.ctx, {a, b, out});
  checkElems(args.ctx, "a", elems(a, p.dtype), aStep == 0 && n > 0 ? 1 : n);
  checkElems(args.ctx, "b", elems(b, p.dtype), bStep == 0 && n > 0 ? 1 : n);
  checkElems(args.ctx, "out", elems(out, binaryOutType(p.op, p.dtype)), n);
  p.shape.n = 1;
  p.shape[0] = n;
  p.aStrides[0] = aStep;
  p.bStrides[0] = bStep;
  return runBinary(info, p, dev, n, a, b, out);
}

Napi::Value BinaryScalar(const Napi::CallbackInfo& info) {
  Args args(info, "binaryScalar", 7);
  BinaryScalarParams p;
  readBinaryOp(args, p);
  Storage* x = args.buffer(2, "x");
  p.scalar = args.number(3, "scalar");
  p.scalarFirst = args.boolean(4, "scalarFirst");
  Storage* out = args.buffer(5, "out");
  p.n = args.index(6, "n");
  Device dev = sameDevice(args.ctx, {x, out});
  checkElems(args.ctx, "x", elems(x, p.dtype), p.n);
  checkElems(args.ctx, "out", elems(out, binaryOutType(p.op, p.dtype)), p.n);
  p.x = x->data;
  p.out = out->data;
  if (p.n > 0) backendFor(dev.type).binaryScalar(p);
  return undef(info);
}

}  // namespace bs
