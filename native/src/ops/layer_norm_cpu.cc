// Layer normalization on the CPU: oneDNN's layer_normalization (forward training and backward,
// primitives cached per shape and flags) for float32 past kDnnlMin elements; plain per-row loops
// (double accumulators) for float64 and small tensors.
#include <cmath>
#include <vector>

#include "../parallel.h"
#include "layer_norm.h"
#include "norm_dnnl.h"

namespace bs {

namespace {

using dnnl::normalization_flags;

template <typename T>
void forwardPlain(const LayerNormParams& p) {
  const T* x = static_cast<const T*>(p.x);
  T* y = static_cast<T*>(p.y);
  const T* gamma = static_cast<const T*>(p.gamma);
  const T* beta = static_cast<const T*>(p.beta);
  const int64_t L = p.inner;
  parallelFor(p.outer, p.outer * L >= kParallelMin, [&](int64_t r) {
    const T* xr = x + r * L;
    T* yr = y + r * L;
    double sum = 0, sq = 0;
    for (int64_t j = 0; j < L; j++) sum += xr[j];
    const double mean = sum / static_cast<double>(L);
    for (int64_t j = 0; j < L; j++) sq += (xr[j] - mean) * (xr[j] - mean);
    const double var = sq / static_cast<double>(L);
    static_cast<T*>(p.saveMean)[r] = static_cast<T>(mean);
    static_cast<T*>(p.saveVar)[r] = static_cast<T>(var);
    const double inv = 1.0 / std::sqrt(var + p.eps);
    for (int64_t j = 0; j < L; j++) {
      const double h = (xr[j] - mean) * inv;
      yr[j] = static_cast<T>(h * (gamma ? static_cast<double>(gamma[j]) : 1.0) + (beta ? static_cast<double>(beta[j]) : 0.0));
    }
  });
}

template <typename T>
void backwardPlain(const LayerNormBackwardParams& p) {
  const T* x = static_cast<const T*>(p.x);
  const T* dy = static_cast<const T*>(p.dy);
  const T* gamma = static_cast<const T*>(p.gamma);
  const T* meanV = static_cast<const T*>(p.mean);
  const T* varV = static_cast<const T*>(p.var);
  const int64_t L = p.inner;
  const bool parallel = p.outer * L >= kParallelMin;
  auto inv = [&](int64_t r) { return 1.0 / std::sqrt(static_cast<double>(varV[r]) + p.eps); };
  if (p.dx) {
    T* dx = static_cast<T*>(p.dx);
    parallelFor(p.outer, parallel, [&](int64_t r) {
      const T* xr = x + r * L;
      const T* gr = dy + r * L;
      const double mean = meanV[r], iv = inv(r);
      double sumG = 0, sumGH = 0;  // g = dy · gamma, h = normalized x
      for (int64_t j = 0; j < L; j++) {
        const double g = gr[j] * (gamma ? static_cast<double>(gamma[j]) : 1.0);
        sumG += g;
        sumGH += g * (xr[j] - mean) * iv;
      }
      for (int64_t j = 0; j < L; j++) {
        const double g = gr[j] * (gamma ? static_cast<double>(gamma[j]) : 1.0);
        const double h = (xr[j] - mean) * iv;
        dx[r * L + j] = static_cast<T>(iv * (g - sumG / L - h * sumGH / L));
      }
    });
  }
  if (!p.dgamma && !p.dbeta) return;
  // Column sums over the rows: each thread owns whole columns, so no two write one element.
  parallelFor(L, parallel, [&](int64_t j) {
    double sg = 0, sb = 0;
    for (int64_t r = 0; r < p.outer; r++) {
      const double d = dy[r * L + j];
      sg += d * (x[r * L + j] - meanV[r]) * inv(r);
      sb += d;
    }
    if (p.dgamma) static_cast<T*>(p.dgamma)[j] = static_cast<T>(sg);
    if (p.dbeta) static_cast<T*>(p.dbeta)[j] = static_cast<T>(sb);
  });
}

dnnl::memory::desc dataDesc(int64_t outer, int64_t inner) {
  return dnnl::memory::desc({outer, inner}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::ab);
}
dnnl::memory::desc vecDesc(int64_t n) {
  return dnnl::memory::desc({n}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::a);
}

void forwardDnnl(const LayerNormParams& p) {
  SingleThreadIf small(p.outer * p.inner < kParallelMin);
  const normalization_flags flags = normFlags(p.gamma, p.beta);
  const dnnl::memory::desc data = dataDesc(p.outer, p.inner), stat = vecDesc(p.outer), param = vecDesc(p.inner);
  withDnnl("layerNorm", [&] {
    const PrimKey key(PrimKind::LayerNorm, {p.outer, p.inner, static_cast<int64_t>(flags), floatKey(static_cast<float>(p.eps))});
    CachedPrim c = getPrimitive(key, [&] {
      dnnl::layer_normalization_forward::desc d(dnnl::prop_kind::forward_training, data, stat,
                                                static_cast<float>(p.eps), flags);
      CachedPrim made;
      made.prim = dnnl::layer_normalization_forward(dnnl::layer_normalization_forward::primitive_desc(d, dnnlEngine()));
      return made;
    });
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, normMem(data, p.x)}, {DNNL_ARG_DST, normMem(data, p.y)},
                                               {DNNL_ARG_MEAN, normMem(stat, p.saveMean)},
                                               {DNNL_ARG_VARIANCE, normMem(stat, p.saveVar)}};
    if (p.gamma) args.emplace(DNNL_ARG_SCALE, normMem(param, p.gamma));
    if (p.beta) args.emplace(DNNL_ARG_SHIFT, normMem(param, p.beta));
    c.prim.execute(dnnlStream(), args);
    dnnlStream().wait();
  });
}

void backwardDnnl(const LayerNormBackwardParams& p) {
  SingleThreadIf small(p.outer * p.inner < kParallelMin);
  const normalization_flags flags = normFlags(p.gamma, p.dbeta);
  const dnnl::memory::desc data = dataDesc(p.outer, p.inner), stat = vecDesc(p.outer), param = vecDesc(p.inner);
  NormBackwardScratch scratch(p, p.outer * p.inner, p.inner);
  withDnnl("layerNormBackward", [&] {
    const PrimKey key(PrimKind::LayerNormBackward,
                      {p.outer, p.inner, static_cast<int64_t>(flags), floatKey(static_cast<float>(p.eps))});
    CachedPrim c = getPrimitive(key, [&] {
      const float eps = static_cast<float>(p.eps);
      dnnl::layer_normalization_forward::desc fd(dnnl::prop_kind::forward_training, data, stat, eps, flags);
      dnnl::layer_normalization_forward::primitive_desc hint(fd, dnnlEngine());
      const bool params = p.gamma || p.dbeta;
      dnnl::layer_normalization_backward::desc bd(params ? dnnl::prop_kind::backward : dnnl::prop_kind::backward_data,
                                                  data, data, stat, eps, flags);
      CachedPrim made;
      made.prim = dnnl::layer_normalization_backward(
          dnnl::layer_normalization_backward::primitive_desc(bd, dnnlEngine(), hint));
      return made;
    });
    executeNormBackward(c.prim, p, scratch, data, stat, param);
  });
}

}  // namespace

void layerNormCpu(const LayerNormParams& p) {
  if (supportsDnnl(p.dtype) && p.outer * p.inner >= kDnnlMin) return forwardDnnl(p);
  BS_DISPATCH_FLOAT(p.dtype, T, forwardPlain<T>(p));
}

void layerNormBackwardCpu(const LayerNormBackwardParams& p) {
  if (supportsDnnl(p.dtype) && p.outer * p.inner >= kDnnlMin && (p.gamma || !p.dgamma)) return backwardDnnl(p);
  BS_DISPATCH_FLOAT(p.dtype, T, backwardPlain<T>(p));
}

}  // namespace bs
