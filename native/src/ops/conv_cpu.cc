// Convolution on the CPU: float32 through oneDNN's convolution_forward (bias and the activation
// fused as a post-op where oneDNN has it), convolution_backward_data and
// convolution_backward_weights (weight and bias gradients in one pass), primitives cached per
// geometry; float64 through the plain gather kernels of conv.h.
#include <algorithm>
#include <unordered_map>
#include <vector>

#include "../dnnl_common.h"
#include "../parallel.h"
#include "conv.h"
#include "conv_dnnl.h"
#include "unary.h"
#include "fused_activation.h"

namespace bs {

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

PrimKey geomKey(PrimKind kind, const ConvGeom& g, int64_t a, int64_t b, bool userScratch = false) {
  return convKey(kind, g, {a, b, userScratch});
}

double work(const ConvGeom& g) { return convWork(g); }

// Primitives are created and run inside the caller's ThreadScope (threadsFor(work)): their key
// carries that thread count, and a kernel keeps the split it was created with.
void run(const CachedPrim& c, const ConvGeom&, std::unordered_map<int, dnnl::memory> args) {
  if (c.scratchpadBytes) args.emplace(DNNL_ARG_SCRATCHPAD, threadScratchpad(c.scratchpadBytes));
  c.prim.execute(dnnlStream(), args);
  dnnlStream().wait();
}

dnnl::memory mem(const dnnl::memory::desc& md, const void* p) { return wrapMemory(md, p); }

// md: src, weights, bias, dst (the engine's NCHW / OIHW layouts), for geometry g (p's, or a chunk of its images).
CachedPrim forwardPrim(const ConvParams& p, const ConvGeom& g, bool fuse, dnnl::algorithm alg, bool userScratch = false) {
  return getPrimitive(geomKey(PrimKind::Conv, g, p.bias != nullptr, fuse ? static_cast<int64_t>(alg) : -1, userScratch), [&] {
    ConvDescs d(g);
    dnnl::primitive_attr attr = scratchAttr(userScratch);
    if (fuse) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.f, alg, 0.f, 0.f);
      attr.set_post_ops(ops);
    }
    CachedPrim made;
    dnnl::convolution_forward::primitive_desc pd(d.forward(dnnl::prop_kind::forward_inference, p.bias != nullptr), attr, dnnlEngine());
    made.prim = dnnl::convolution_forward(pd);
    if (userScratch) made.scratchpadBytes = pd.scratchpad_desc().get_size();
    made.md[0] = d.src;
    made.md[1] = d.wei;
    made.md[2] = d.bias;
    made.md[3] = d.dst;
    return made;
  });
}

// Images r0 .. r0 + rows - 1 through `c` (made for `rows` images).
void forwardImages(const ConvParams& p, const CachedPrim& c, int64_t r0) {
  const ConvGeom& g = p.g;
  const char* x = static_cast<const char*>(p.x) + r0 * g.c * g.h * g.w * sizeof(float);
  char* y = static_cast<char*>(p.y) + r0 * g.o * g.oh * g.ow * sizeof(float);
  std::unordered_map<int, dnnl::memory> args{
      {DNNL_ARG_SRC, mem(c.md[0], x)}, {DNNL_ARG_WEIGHTS, mem(c.md[1], p.w)}, {DNNL_ARG_DST, mem(c.md[3], y)}};
  if (p.bias) args.emplace(DNNL_ARG_BIAS, mem(c.md[2], p.bias));
  run(c, g, std::move(args));
}

// Runs images(c, r0) over g's batch with c made by make(geometry, userScratch): whole, or while
// other processes keep a core busy as chunks of images, each a one-thread primitive taken by our
// pool's threads as they come (threading.h chunkRowsFor): an OpenMP team would wait at its
// barriers for the member whose core is shared. Each image goes through the same kernel.
template <typename Make, typename Images>
void overImages(const ConvGeom& g, Make make, Images images) {
  const int64_t rows = chunkRowsFor(g.n, work(g), policy::kImageChunkMin);
  if (rows == 0) {
    images(make(g, false), 0);
    return;
  }
  ThreadScope one(1);
  ConvGeom full = g, last = g;
  full.n = rows;
  const int64_t chunks = (g.n + rows - 1) / rows;
  last.n = g.n - (chunks - 1) * rows;
  const CachedPrim cFull = make(full, true), cLast = last.n == rows ? cFull : make(last, true);
  parallelChunks(chunks, threadBudget(), [&](int64_t k) {
    ThreadScope single(1);
    images(k + 1 == chunks ? cLast : cFull, k * rows);
  });
}

void forwardDnnl(const ConvParams& p) {
  const ConvGeom& g = p.g;
  dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
  const bool fuse = fusedAlgorithm(p.activation, &alg);
  if (convForwardBlocked(p, fuse, alg)) {
    if (p.activation >= 0 && !fuse) unaryCpu(UnaryParams{p.activation, p.dtype, p.y, p.y, g.n * g.o * g.oh * g.ow});
    return;
  }
  overImages(
      g, [&](const ConvGeom& geom, bool userScratch) { return forwardPrim(p, geom, fuse, alg, userScratch); },
      [&](const CachedPrim& c, int64_t r0) { forwardImages(p, c, r0); });
  if (p.activation >= 0 && !fuse) unaryCpu(UnaryParams{p.activation, p.dtype, p.y, p.y, g.n * g.o * g.oh * g.ow});
}

CachedPrim backwardDataPrim(const ConvGeom& g, bool userScratch) {
  return getPrimitive(geomKey(PrimKind::ConvBackwardData, g, 0, 0, userScratch), [&] {
    ConvDescs d(g);
    dnnl::convolution_forward::primitive_desc hint(d.forward(dnnl::prop_kind::forward_training, false), dnnlEngine());
    dnnl::convolution_backward_data::desc bd(dnnl::algorithm::convolution_direct, d.src, d.wei, d.dst, d.strides,
                                             d.dilation, d.padL, d.padR);
    CachedPrim made;
    dnnl::convolution_backward_data::primitive_desc pd(bd, scratchAttr(userScratch), dnnlEngine(), hint);
    made.prim = dnnl::convolution_backward_data(pd);
    if (userScratch) made.scratchpadBytes = pd.scratchpad_desc().get_size();
    made.md[0] = d.src;
    made.md[1] = d.wei;
    made.md[3] = d.dst;
    return made;
  });
}

void backwardDataImages(const ConvParams& p, const CachedPrim& c, int64_t r0) {
  const ConvGeom& g = p.g;
  char* dx = static_cast<char*>(p.dx) + r0 * g.c * g.h * g.w * sizeof(float);
  const char* dy = static_cast<const char*>(p.dy) + r0 * g.o * g.oh * g.ow * sizeof(float);
  run(c, g, {{DNNL_ARG_DIFF_SRC, mem(c.md[0], dx)}, {DNNL_ARG_WEIGHTS, mem(c.md[1], p.w)}, {DNNL_ARG_DIFF_DST, mem(c.md[3], dy)}});
}

// As the forward (each image's gradient is its own).
void backwardDataDnnl(const ConvParams& p) {
  if (convBackwardDataBlocked(p)) return;
  overImages(p.g, backwardDataPrim, [&](const CachedPrim& c, int64_t r0) { backwardDataImages(p, c, r0); });
}

void backwardWeightsDnnl(const ConvParams& p) {
  if (convBackwardWeightsBlocked(p)) return;
  const ConvGeom& g = p.g;
  const bool withBias = p.db != nullptr;
  const CachedPrim c = getPrimitive(geomKey(PrimKind::ConvBackwardWeights, g, withBias, 0), [&] {
    ConvDescs d(g);
    dnnl::convolution_forward::primitive_desc hint(d.forward(dnnl::prop_kind::forward_training, withBias), dnnlEngine());
    const auto alg = dnnl::algorithm::convolution_direct;
    dnnl::convolution_backward_weights::desc bd =
        withBias ? dnnl::convolution_backward_weights::desc(alg, d.src, d.wei, d.bias, d.dst, d.strides, d.dilation,
                                                            d.padL, d.padR)
                 : dnnl::convolution_backward_weights::desc(alg, d.src, d.wei, d.dst, d.strides, d.dilation, d.padL,
                                                            d.padR);
    CachedPrim made;
    made.prim =
        dnnl::convolution_backward_weights(dnnl::convolution_backward_weights::primitive_desc(bd, dnnlEngine(), hint));
    made.md[0] = d.src;
    made.md[1] = d.wei;
    made.md[2] = d.bias;
    made.md[3] = d.dst;
    return made;
  });
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, mem(c.md[0], p.x)}, {DNNL_ARG_DIFF_WEIGHTS, mem(c.md[1], p.dw)},
                                             {DNNL_ARG_DIFF_DST, mem(c.md[3], p.dy)}};
  if (withBias) args.emplace(DNNL_ARG_DIFF_BIAS, mem(c.md[2], p.db));
  run(c, g, std::move(args));
}

bool parallel(int64_t n, const ConvGeom& g) { return n > 1 && work(g) >= kParallelMin; }

template <typename T>
void forwardPlain(const ConvParams& p) {
  const T* x = static_cast<const T*>(p.x);
  const T* w = static_cast<const T*>(p.w);
  const T* b = static_cast<const T*>(p.bias);
  T* y = static_cast<T*>(p.y);
  const int64_t n = p.g.n * p.g.o * p.g.oh * p.g.ow;
  parallelFor(n, parallel(n, p.g), [&](int64_t i) { y[i] = convForwardAt(p.g, x, w, b, i); });
  if (p.activation >= 0) unaryCpu(UnaryParams{p.activation, p.dtype, p.y, p.y, n});
}

template <typename T>
void backwardDataPlain(const ConvParams& p) {
  const T* w = static_cast<const T*>(p.w);
  const T* dy = static_cast<const T*>(p.dy);
  T* dx = static_cast<T*>(p.dx);
  const int64_t n = p.g.n * p.g.c * p.g.h * p.g.w;
  parallelFor(n, parallel(n, p.g), [&](int64_t i) { dx[i] = convBackwardDataAt(p.g, w, dy, i); });
}

template <typename T>
void backwardWeightsPlain(const ConvParams& p) {
  const T* x = static_cast<const T*>(p.x);
  const T* dy = static_cast<const T*>(p.dy);
  if (p.dw) {
    T* dw = static_cast<T*>(p.dw);
    const int64_t n = p.g.o * (p.g.c / p.g.groups) * p.g.kh * p.g.kw;
    parallelFor(n, parallel(n, p.g), [&](int64_t i) { dw[i] = convBackwardWeightAt(p.g, x, dy, i); });
  }
  if (p.db) {
    T* db = static_cast<T*>(p.db);
    parallelFor(p.g.o, parallel(p.g.o, p.g), [&](int64_t o) { db[o] = convBackwardBiasAt(p.g, dy, o); });
  }
}

// Empty tensors (a zero batch, zero channels) have nothing to compute; oneDNN refuses zero dims.
bool empty(const ConvGeom& g) { return g.n == 0 || g.c == 0 || g.o == 0 || g.oh == 0 || g.ow == 0; }

void zero(void* p, DType dtype, int64_t n) {
  if (!p) return;
  BS_DISPATCH_FLOAT(dtype, T, { std::fill_n(static_cast<T*>(p), n, T(0)); });
}

}  // namespace

void convCpu(const ConvParams& p) {
  const ConvGeom& g = p.g;
  if (g.n == 0 || g.o == 0 || g.oh == 0 || g.ow == 0) return;
  if (empty(g)) {  // no input channels: the output is the bias (then the activation)
    BS_DISPATCH_FLOAT(p.dtype, T, { forwardPlain<T>(p); });
    return;
  }
  if (supportsDnnl(p.dtype)) {
    ThreadScope scope(threadsFor(work(g)));
    withDnnl("convolution", [&] { forwardDnnl(p); });
    return;
  }
  BS_DISPATCH_FLOAT(p.dtype, T, { forwardPlain<T>(p); });
}

void convBackwardDataCpu(const ConvParams& p) {
  const ConvGeom& g = p.g;
  if (empty(g)) {
    zero(p.dx, p.dtype, g.n * g.c * g.h * g.w);
    return;
  }
  if (supportsDnnl(p.dtype)) {
    ThreadScope scope(threadsFor(work(g)));
    withDnnl("convolutionBackwardData", [&] { backwardDataDnnl(p); });
    return;
  }
  BS_DISPATCH_FLOAT(p.dtype, T, { backwardDataPlain<T>(p); });
}

void convBackwardWeightsCpu(const ConvParams& p) {
  const ConvGeom& g = p.g;
  if (empty(g)) {
    zero(p.dw, p.dtype, g.o * (g.groups ? g.c / g.groups : 0) * g.kh * g.kw);
    zero(p.db, p.dtype, g.o);
    return;
  }
  if (supportsDnnl(p.dtype) && p.dw) {
    ThreadScope scope(threadsFor(work(g)));
    withDnnl("convolutionBackwardWeights", [&] { backwardWeightsDnnl(p); });
    return;
  }
  BS_DISPATCH_FLOAT(p.dtype, T, { backwardWeightsPlain<T>(p); });
}

}  // namespace bs
