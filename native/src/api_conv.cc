// Entry points for convolution and pooling. The engine checks shapes first (engine/ops/conv.ts,
// pool.ts); these re-check the geometry and every buffer's size, so that whatever JS passes, the
// kernels read and write only inside the buffers.
#include "api.h"
#include "args.h"
#include "backend.h"
#include "ops/conv.h"
#include "ops/pool.h"

namespace bs {

namespace {

// Geometry values stay below 2^31, so index products like oy * stride + ky * dilation fit int64.
constexpr int64_t kMaxGeom = (int64_t(1) << 31) - 1;

void readGeom(const Args& args, size_t i, int len, int64_t* out) {
  Dims d;
  args.dims(i, "geom", d);
  if (d.n != len) failAt(args.ctx, code::kArgs, "geom must hold %d integers, got %d", len, d.n);
  for (int j = 0; j < len; j++) {
    if (d[j] > kMaxGeom) failAt(args.ctx, code::kArgs, "geom[%d] = %lld is larger than 2^31 - 1", j, (long long)d[j]);
    out[j] = d[j];
  }
}

// Output extent of a convolution along one axis (PyTorch's floor rule), or -1 when the dilated
// kernel is larger than the padded input.
int64_t convExtent(int64_t in, int64_t k, int64_t s, int64_t pad, int64_t dil) {
  const int64_t span = dil * (k - 1) + 1;
  if (in + 2 * pad < span) return -1;
  return (in + 2 * pad - span) / s + 1;
}

ConvGeom convGeom(const Args& args, size_t i) {
  ConvGeom g;
  readGeom(args, i, kConvGeomLen, &g.n);
  static_assert(sizeof(ConvGeom) == kConvGeomLen * sizeof(int64_t), "ConvGeom is the geom array");
  if (g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1)
    failAt(args.ctx, code::kArgs, "kernel sizes, strides and dilations must be at least 1");
  if (g.groups < 1 || g.c % g.groups != 0 || g.o % g.groups != 0)
    failAt(args.ctx, code::kArgs, "groups (%lld) must divide both the input channels (%lld) and the output channels (%lld)",
           (long long)g.groups, (long long)g.c, (long long)g.o);
  const int64_t oh = convExtent(g.h, g.kh, g.sh, g.ph, g.dh), ow = convExtent(g.w, g.kw, g.sw, g.pw, g.dw);
  if (oh < 0 || ow < 0)
    failAt(args.ctx, code::kArgs, "the dilated kernel (%lld x %lld) is larger than the padded input (%lld x %lld)",
           (long long)(g.dh * (g.kh - 1) + 1), (long long)(g.dw * (g.kw - 1) + 1), (long long)(g.h + 2 * g.ph),
           (long long)(g.w + 2 * g.pw));
  if (oh != g.oh || ow != g.ow)
    failAt(args.ctx, code::kArgs, "output %lld x %lld does not follow from the geometry (expected %lld x %lld)",
           (long long)g.oh, (long long)g.ow, (long long)oh, (long long)ow);
  return g;
}

int64_t inElems(const Args& a, const ConvGeom& g) { return checkedMul(a.ctx, checkedMul(a.ctx, g.n, g.c), g.h, g.w); }
int64_t outElems(const Args& a, const ConvGeom& g) { return checkedMul(a.ctx, checkedMul(a.ctx, g.n, g.o), g.oh, g.ow); }
int64_t weightElems(const Args& a, const ConvGeom& g) { return checkedMul(a.ctx, checkedMul(a.ctx, g.o, g.c / g.groups), g.kh, g.kw); }

DType floatDtype(const Args& args, size_t i) {
  const DType d = args.dtype(i);
  if (!isFloat(d)) failAt(args.ctx, code::kDtype, "needs float32 or float64, got %s", dtypeName(d));
  return d;
}

void noAlias(const Args& args, std::initializer_list<const Storage*> outs, std::initializer_list<const Storage*> ins) {
  for (const Storage* o : outs)
    for (const Storage* i : ins)
      if (o && o == i) failAt(args.ctx, code::kArgs, "an output buffer may not also be an input");
}

PoolGeom poolGeom(const Args& args, size_t i) {
  PoolGeom g;
  readGeom(args, i, kPoolGeomLen, &g.n);
  static_assert(sizeof(PoolGeom) == kPoolGeomLen * sizeof(int64_t), "PoolGeom is the geom array");
  if (g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1)
    failAt(args.ctx, code::kArgs, "window sizes and strides must be at least 1");
  if (2 * g.ph > g.kh || 2 * g.pw > g.kw)
    failAt(args.ctx, code::kArgs, "padding (%lld, %lld) must be at most half the window (%lld, %lld)",
           (long long)g.ph, (long long)g.pw, (long long)g.kh, (long long)g.kw);
  // The floor-mode extent, or one more (ceil mode) when that last window starts inside the input
  // or its left padding.
  const int64_t in[2] = {g.h, g.w}, k[2] = {g.kh, g.kw}, s[2] = {g.sh, g.sw}, pad[2] = {g.ph, g.pw}, out[2] = {g.oh, g.ow};
  for (int a = 0; a < 2; a++) {
    if (in[a] + 2 * pad[a] < k[a])
      failAt(args.ctx, code::kArgs, "the window (%lld) is larger than the padded input (%lld)", (long long)k[a],
             (long long)(in[a] + 2 * pad[a]));
    const int64_t floorOut = (in[a] + 2 * pad[a] - k[a]) / s[a] + 1;
    const bool ceilOk = out[a] == floorOut + 1 && (out[a] - 1) * s[a] < in[a] + pad[a];
    if (out[a] != floorOut && !ceilOk)
      failAt(args.ctx, code::kArgs, "output extent %lld does not follow from the geometry (expected %lld, or %lld in ceil mode)",
             (long long)out[a], (long long)floorOut, (long long)(floorOut + 1));
  }
  return g;
}

}  // namespace

// convolution(dtype, x, w, bias|null, y, geom[16], activation)
Napi::Value Convolution(const Napi::CallbackInfo& info) {
  Args args(info, "convolution", 7);
  ConvParams p;
  p.dtype = floatDtype(args, 0);
  Storage* x = args.buffer(1, "x");
  Storage* w = args.buffer(2, "w");
  Storage* bias = args.isNull(3) ? nullptr : args.buffer(3, "bias");
  Storage* y = args.buffer(4, "y");
  p.g = convGeom(args, 5);
  const double act = args.number(6, "activation");
  if (!(act == -1 || (act >= 0 && act < kNumUnaryOps && act == static_cast<int>(act))))
    failAt(args.ctx, code::kArgs, "activation must be -1 or a unary op code 0..%d, got %g", kNumUnaryOps - 1, act);
  p.activation = static_cast<int>(act);
  const Device dev = sameDevice(args.ctx, {x, w, bias, y});
  checkElems(args.ctx, "x", elems(x, p.dtype), inElems(args, p.g));
  checkElems(args.ctx, "w", elems(w, p.dtype), weightElems(args, p.g));
  if (bias) checkElems(args.ctx, "bias", elems(bias, p.dtype), p.g.o);
  checkElems(args.ctx, "y", elems(y, p.dtype), outElems(args, p.g));
  noAlias(args, {y}, {x, w, bias});
  p.x = x->data;
  p.w = w->data;
  p.bias = bias ? bias->data : nullptr;
  p.y = y->data;
  backendFor(dev.type).conv(p);
  return info.Env().Undefined();
}

// convolutionBackwardData(dtype, w, dy, dx, geom[16])
Napi::Value ConvolutionBackwardData(const Napi::CallbackInfo& info) {
  Args args(info, "convolutionBackwardData", 5);
  ConvParams p;
  p.dtype = floatDtype(args, 0);
  Storage* w = args.buffer(1, "w");
  Storage* dy = args.buffer(2, "dy");
  Storage* dx = args.buffer(3, "dx");
  p.g = convGeom(args, 4);
  const Device dev = sameDevice(args.ctx, {w, dy, dx});
  checkElems(args.ctx, "w", elems(w, p.dtype), weightElems(args, p.g));
  checkElems(args.ctx, "dy", elems(dy, p.dtype), outElems(args, p.g));
  checkElems(args.ctx, "dx", elems(dx, p.dtype), inElems(args, p.g));
  noAlias(args, {dx}, {w, dy});
  p.w = w->data;
  p.dy = dy->data;
  p.dx = dx->data;
  backendFor(dev.type).convBackwardData(p);
  return info.Env().Undefined();
}

// convolutionBackwardWeights(dtype, x, dy, dw|null, db|null, geom[16])
Napi::Value ConvolutionBackwardWeights(const Napi::CallbackInfo& info) {
  Args args(info, "convolutionBackwardWeights", 6);
  ConvParams p;
  p.dtype = floatDtype(args, 0);
  Storage* x = args.buffer(1, "x");
  Storage* dy = args.buffer(2, "dy");
  Storage* dw = args.isNull(3) ? nullptr : args.buffer(3, "dw");
  Storage* db = args.isNull(4) ? nullptr : args.buffer(4, "db");
  p.g = convGeom(args, 5);
  const Device dev = sameDevice(args.ctx, {x, dy, dw, db});
  checkElems(args.ctx, "x", elems(x, p.dtype), inElems(args, p.g));
  checkElems(args.ctx, "dy", elems(dy, p.dtype), outElems(args, p.g));
  if (dw) checkElems(args.ctx, "dw", elems(dw, p.dtype), weightElems(args, p.g));
  if (db) checkElems(args.ctx, "db", elems(db, p.dtype), p.g.o);
  if (dw && dw == db) failAt(args.ctx, code::kArgs, "dw and db must be different buffers");
  noAlias(args, {dw, db}, {x, dy});
  p.x = x->data;
  p.dy = dy->data;
  p.dw = dw ? dw->data : nullptr;
  p.db = db ? db->data : nullptr;
  if (dw || db) backendFor(dev.type).convBackwardWeights(p);
  return info.Env().Undefined();
}

// pooling(mode, dtype, x, y, geom[12])
Napi::Value Pooling(const Napi::CallbackInfo& info) {
  Args args(info, "pooling", 5);
  PoolParams p;
  p.mode = args.code(0, kNumPoolModes, "mode");
  p.dtype = floatDtype(args, 1);
  Storage* x = args.buffer(2, "x");
  Storage* y = args.buffer(3, "y");
  p.g = poolGeom(args, 4);
  const Device dev = sameDevice(args.ctx, {x, y});
  const int64_t planes = checkedMul(args.ctx, p.g.n, p.g.c);
  checkElems(args.ctx, "x", elems(x, p.dtype), checkedMul(args.ctx, planes, p.g.h, p.g.w));
  checkElems(args.ctx, "y", elems(y, p.dtype), checkedMul(args.ctx, planes, p.g.oh, p.g.ow));
  noAlias(args, {y}, {x});
  p.x = x->data;
  p.y = y->data;
  if (planes > 0) backendFor(dev.type).pool(p);
  return info.Env().Undefined();
}

// poolingBackward(mode, dtype, x, dy, dx, geom[12])
Napi::Value PoolingBackward(const Napi::CallbackInfo& info) {
  Args args(info, "poolingBackward", 6);
  PoolParams p;
  p.mode = args.code(0, kNumPoolModes, "mode");
  p.dtype = floatDtype(args, 1);
  Storage* x = args.buffer(2, "x");
  Storage* dy = args.buffer(3, "dy");
  Storage* dx = args.buffer(4, "dx");
  p.g = poolGeom(args, 5);
  const Device dev = sameDevice(args.ctx, {x, dy, dx});
  const int64_t planes = checkedMul(args.ctx, p.g.n, p.g.c);
  checkElems(args.ctx, "x", elems(x, p.dtype), checkedMul(args.ctx, planes, p.g.h, p.g.w));
  checkElems(args.ctx, "dy", elems(dy, p.dtype), checkedMul(args.ctx, planes, p.g.oh, p.g.ow));
  checkElems(args.ctx, "dx", elems(dx, p.dtype), checkedMul(args.ctx, planes, p.g.h, p.g.w));
  noAlias(args, {dx}, {x, dy});
  p.x = x->data;
  p.dy = dy->data;
  p.dx = dx->data;
  if (planes > 0) backendFor(dev.type).poolBackward(p);
  return info.Env().Undefined();
}

}  // namespace bs
