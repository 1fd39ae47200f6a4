// Entry points for batch / layer normalization and padding. Each one re-checks what the engine
// already checked (dtypes, devices, sizes, that every buffer holds what the kernel touches) before
// the backend runs.
#include "api.h"
#include "args.h"

namespace bs {

namespace {

Napi::Value undef(const Napi::CallbackInfo& info) { return info.Env().Undefined(); }

Storage* optional(const Args& args, size_t i, const char* name) { return args.isNull(i) ? nullptr : args.buffer(i, name); }

void requireFloat(const Ctx& ctx, DType d) {
  if (!isFloat(d)) failAt(ctx, code::kDtype, "needs float32 or float64, got %s", dtypeName(d));
}

void check(const Ctx& ctx, const Storage* s, const char* what, DType d, int64_t n) {
  if (s) checkElems(ctx, what, elems(s, d), n);
}

void* dataOf(Storage* s) { return s ? s->data : nullptr; }

double epsilon(const Args& args, size_t i) {
  const double eps = args.number(i, "eps");
  if (!(eps >= 0)) failAt(args.ctx, code::kArgs, "eps must be a non-negative number, got %g", eps);
  return eps;
}

// Arguments 0 to 8 of batchNormBackward and layerNormBackward, in the order they are read:
// dtype, x, dy, gamma?, mean, var, dx?, dgamma?, dbeta?.
struct NormGrads {
  Storage *x, *dy, *gamma, *mean, *var, *dx, *dgamma, *dbeta;
};

NormGrads readGrads(const Args& args, NormBackwardBuffers& p) {
  p.dtype = args.dtype(0);
  requireFloat(args.ctx, p.dtype);
  // A braced list evaluates left to right: the first bad argument is the one reported.
  return {args.buffer(1, "x"),   args.buffer(2, "dy"),      optional(args, 3, "gamma"),  args.buffer(4, "mean"),
          args.buffer(5, "var"), optional(args, 6, "dx"), optional(args, 7, "dgamma"), optional(args, 8, "dbeta")};
}

Device gradsDevice(const Ctx& ctx, const NormGrads& g) {
  return sameDevice(ctx, {g.x, g.dy, g.gamma, g.mean, g.var, g.dx, g.dgamma, g.dbeta});
}

// x and dy hold n values, and dx too when wanted.
void checkGradData(const Ctx& ctx, const NormGrads& g, DType d, int64_t n) {
  checkElems(ctx, "x", elems(g.x, d), n);
  checkElems(ctx, "dy", elems(g.dy, d), n);
  check(ctx, g.dx, "dx", d, n);
}

void setGrads(NormBackwardBuffers& p, const NormGrads& g) {
  p.x = g.x->data;
  p.dy = g.dy->data;
  p.gamma = dataOf(g.gamma);
  p.mean = g.mean->data;
  p.var = g.var->data;
  p.dx = dataOf(g.dx);
  p.dgamma = dataOf(g.dgamma);
  p.dbeta = dataOf(g.dbeta);
}

bool wantsGrads(const NormGrads& g) { return g.dx || g.dgamma || g.dbeta; }

}  // namespace

Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  Args args(info, "batchNorm", 15);
  BatchNormParams p;
  p.dtype = args.dtype(0);
  requireFloat(args.ctx, p.dtype);
  Storage* x = args.buffer(1, "x");
  Storage* gamma = optional(args, 2, "gamma");
  Storage* beta = optional(args, 3, "beta");
  Storage* rm = args.buffer(4, "runningMean");
  Storage* rv = args.buffer(5, "runningVar");
  Storage* y = args.buffer(6, "y");
  p.training = args.boolean(14, "training");
  Storage* sm = p.training ? args.buffer(7, "saveMean") : optional(args, 7, "saveMean");
  Storage* sv = p.training ? args.buffer(8, "saveVar") : optional(args, 8, "saveVar");
  p.n = args.index(9, "n");
  p.c = args.index(10, "c");
  p.s = args.index(11, "s");
  p.eps = epsilon(args, 12);
  p.momentum = args.number(13, "momentum");
  if (!(p.momentum >= 0 && p.momentum <= 1))
    failAt(args.ctx, code::kArgs, "momentum must be in [0, 1], got %g", p.momentum);
  Device dev = sameDevice(args.ctx, {x, gamma, beta, rm, rv, y, sm, sv});
  const int64_t n = checkedMul(args.ctx, p.n, p.c, p.s);
  if (p.training && p.n * p.s < 2 && p.c > 0)
    failAt(args.ctx, code::kArgs, "training needs more than one value per channel, got n=%lld, s=%lld",
           (long long)p.n, (long long)p.s);
  checkElems(args.ctx, "x", elems(x, p.dtype), n);
  checkElems(args.ctx, "y", elems(y, p.dtype), n);
  for (auto [s, what] : {std::pair{(const Storage*)gamma, "gamma"}, {beta, "beta"}, {rm, "runningMean"},
                         {rv, "runningVar"}, {sm, "saveMean"}, {sv, "saveVar"}})
    check(args.ctx, s, what, p.dtype, p.c);
  p.x = x->data;
  p.gamma = dataOf(gamma);
  p.beta = dataOf(beta);
  p.runningMean = rm->data;
  p.runningVar = rv->data;
  p.y = y->data;
  p.saveMean = dataOf(sm);
  p.saveVar = dataOf(sv);
  if (n > 0) backendFor(dev.type).batchNorm(p);
  return undef(info);
}

Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  Args args(info, "batchNormBackward", 14);
  BatchNormBackwardParams p;
  const NormGrads g = readGrads(args, p);
  p.n = args.index(9, "n");
  p.c = args.index(10, "c");
  p.s = args.index(11, "s");
  p.eps = epsilon(args, 12);
  p.globalStats = args.boolean(13, "globalStats");
  Device dev = gradsDevice(args.ctx, g);
  checkGradData(args.ctx, g, p.dtype, checkedMul(args.ctx, p.n, p.c, p.s));
  for (auto [s, what] : {std::pair{g.gamma, "gamma"}, {g.mean, "mean"}, {g.var, "var"},
                         {g.dgamma, "dgamma"}, {g.dbeta, "dbeta"}})
    check(args.ctx, s, what, p.dtype, p.c);
  setGrads(p, g);
  if (p.c > 0 && wantsGrads(g)) backendFor(dev.type).batchNormBackward(p);
  return undef(info);
}

Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Args args(info, "layerNorm", 10);
  LayerNormParams p;
  p.dtype = args.dtype(0);
  requireFloat(args.ctx, p.dtype);
  Storage* x = args.buffer(1, "x");
  Storage* gamma = optional(args, 2, "gamma");
  Storage* beta = optional(args, 3, "beta");
  Storage* y = args.buffer(4, "y");
  Storage* sm = args.buffer(5, "saveMean");
  Storage* sv = args.buffer(6, "saveVar");
  p.outer = args.index(7, "outer");
  p.inner = args.index(8, "inner");
  p.eps = epsilon(args, 9);
  Device dev = sameDevice(args.ctx, {x, gamma, beta, y, sm, sv});
  const int64_t n = checkedMul(args.ctx, p.outer, p.inner);
  if (p.inner == 0 && p.outer > 0) failAt(args.ctx, code::kArgs, "cannot normalize rows of 0 values");
  checkElems(args.ctx, "x", elems(x, p.dtype), n);
  checkElems(args.ctx, "y", elems(y, p.dtype), n);
  check(args.ctx, gamma, "gamma", p.dtype, p.inner);
  check(args.ctx, beta, "beta", p.dtype, p.inner);
  checkElems(args.ctx, "saveMean", elems(sm, p.dtype), p.outer);
  checkElems(args.ctx, "saveVar", elems(sv, p.dtype), p.outer);
  p.x = x->data;
  p.gamma = dataOf(gamma);
  p.beta = dataOf(beta);
  p.y = y->data;
  p.saveMean = sm->data;
  p.saveVar = sv->data;
  if (n > 0) backendFor(dev.type).layerNorm(p);
  return undef(info);
}

Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  Args args(info, "layerNormBackward", 12);
  LayerNormBackwardParams p;
  const NormGrads g = readGrads(args, p);
  p.outer = args.index(9, "outer");
  p.inner = args.index(10, "inner");
  p.eps = epsilon(args, 11);
  Device dev = gradsDevice(args.ctx, g);
  const int64_t n = checkedMul(args.ctx, p.outer, p.inner);
  checkGradData(args.ctx, g, p.dtype, n);
  for (auto [s, what] : {std::pair{g.gamma, "gamma"}, {g.dgamma, "dgamma"}, {g.dbeta, "dbeta"}})
    check(args.ctx, s, what, p.dtype, p.inner);
  check(args.ctx, g.mean, "mean", p.dtype, p.outer);
  check(args.ctx, g.var, "var", p.dtype, p.outer);
  setGrads(p, g);
  if (n > 0 && wantsGrads(g)) backendFor(dev.type).layerNormBackward(p);
  return undef(info);
}

namespace {

// pad(dtype, x, out, outer, inShape, before, after, mode[, value]); backward reads dy, writes dx.
Napi::Value padEntry(const Napi::CallbackInfo& info, bool backward) {
  Args args(info, backward ? "padBackward" : "pad", backward ? 8 : 9);
  PadParams p;
  p.dtype = args.dtype(0);
  if (backward) requireFloat(args.ctx, p.dtype);
  Storage* x = args.buffer(1, backward ? "dy" : "x");
  Storage* out = args.buffer(2, backward ? "dx" : "out");
  p.outer = args.index(3, "outer");
  Dims in, before, after;
  args.dims(4, "inShape", in);
  args.dims(5, "before", before);
  args.dims(6, "after", after);
  p.mode = args.code(7, kNumPadModes, "mode");
  p.value = backward ? 0.0 : args.number(8, "value");
  if (in.n < 1 || in.n > 3 || before.n != in.n || after.n != in.n)
    failAt(args.ctx, code::kArgs, "pads 1 to 3 axes with one before and one after per axis, got %d, %d and %d",
           in.n, before.n, after.n);
  p.k = in.n;
  Dims inAll, outAll;
  inAll.n = outAll.n = in.n + 1;
  inAll[0] = outAll[0] = p.outer;
  for (int d = 0; d < in.n; d++) {
    p.in[d] = in[d];
    p.before[d] = before[d];
    p.after[d] = after[d];
    if (p.mode == kPadReflect && (before[d] >= in[d] || after[d] >= in[d]))
      failAt(args.ctx, code::kArgs, "reflect padding of axis %d needs pads smaller than its size %lld, got %lld and %lld",
             d, (long long)in[d], (long long)before[d], (long long)after[d]);
    if (p.mode == kPadReplicate && in[d] == 0 && before[d] + after[d] > 0)
      failAt(args.ctx, code::kArgs, "replicate padding of axis %d needs a non-empty axis", d);
    inAll[d + 1] = in[d];
    outAll[d + 1] = in[d] + before[d] + after[d];
  }
  Device dev = sameDevice(args.ctx, {x, out});
  const int64_t nIn = elementCount(args.ctx, inAll), nOut = elementCount(args.ctx, outAll);
  checkElems(args.ctx, backward ? "dy" : "x", elems(x, p.dtype), backward ? nOut : nIn);
  checkElems(args.ctx, backward ? "dx" : "out", elems(out, p.dtype), backward ? nIn : nOut);
  p.x = x->data;
  p.out = out->data;
  if (backward ? nIn > 0 : nOut > 0) {
    if (backward)
      backendFor(dev.type).padBackward(p);
    else
      backendFor(dev.type).pad(p);
  }
  return undef(info);
}

}  // namespace

Napi::Value Pad(const Napi::CallbackInfo& info) { return padEntry(info, false); }
Napi::Value PadBackward(const Napi::CallbackInfo& info) { return padEntry(info, true); }

}  // namespace bs
