// Softmax / log-softmax, numerically stable (the row max is subtracted before exponentiating).
// float32 along the innermost axis (inner == 1) past kDnnlMin elements runs oneDNN's
// softmax / logsoftmax, forward and backward (primitives cached per shape), where oneDNN has a jit
// kernel for it; float64, other axes (oneDNN 2.6 has jit kernels only for the innermost axis, the
// rest is its slow reference), a backward without a jit kernel on this CPU, and small tensors run
// the plain loops below.
#include <cmath>
#include <string>

#include "../dnnl_common.h"
#include "../parallel.h"
#include "softmax.h"

namespace bs {

namespace {

template <typename T>
void forwardPlain(const SoftmaxParams& p) {
  const T* x = static_cast<const T*>(p.x);
  T* y = static_cast<T*>(p.out);
  const int64_t L = p.axisLen, I = p.inner, total = p.outer * p.inner;
  parallelFor(total, total * L >= kParallelMin, [&](int64_t t) {
    const int64_t o = t / I, i = t % I;
    const T* xs = x + o * L * I + i;
    T* ys = y + o * L * I + i;
    T mx = xs[0];
    for (int64_t j = 1; j < L; j++) mx = xs[j * I] > mx || xs[j * I] != xs[j * I] ? xs[j * I] : mx;
    double sum = 0;
    if (p.log) {
      for (int64_t j = 0; j < L; j++) sum += std::exp(static_cast<double>(xs[j * I] - mx));
      const T shift = static_cast<T>(std::log(sum));
      for (int64_t j = 0; j < L; j++) ys[j * I] = xs[j * I] - mx - shift;
    } else {
      // Each exponential is computed once: stored, summed, then scaled in place.
      for (int64_t j = 0; j < L; j++) {
        const T e = static_cast<T>(std::exp(static_cast<double>(xs[j * I] - mx)));
        ys[j * I] = e;
        sum += e;
      }
      const T inv = static_cast<T>(1.0 / sum);
      for (int64_t j = 0; j < L; j++) ys[j * I] *= inv;
    }
  });
}

template <typename T>
void backwardPlain(const SoftmaxParams& p) {
  const T* y = static_cast<const T*>(p.x);
  const T* dy = static_cast<const T*>(p.dy);
  T* dx = static_cast<T*>(p.out);
  const int64_t L = p.axisLen, I = p.inner, total = p.outer * p.inner;
  parallelFor(total, total * L >= kParallelMin, [&](int64_t t) {
    const int64_t base = (t / I) * L * I + t % I;
    double dot = 0;
    if (p.log) {
      // y = log softmax: dx = dy - softmax * Σ dy
      for (int64_t j = 0; j < L; j++) dot += dy[base + j * I];
      for (int64_t j = 0; j < L; j++)
        dx[base + j * I] = static_cast<T>(dy[base + j * I] - std::exp(static_cast<double>(y[base + j * I])) * dot);
    } else {
      // dx = y * (dy - Σ dy·y)
      for (int64_t j = 0; j < L; j++) dot += static_cast<double>(dy[base + j * I]) * y[base + j * I];
      for (int64_t j = 0; j < L; j++)
        dx[base + j * I] = static_cast<T>(y[base + j * I] * (dy[base + j * I] - dot));
    }
  });
}

void forwardDnnl(const SoftmaxParams& p) {
  ThreadScope threads(threadsFor(static_cast<double>(p.outer) * p.axisLen * p.inner, kElemsPerThread));
  withDnnl("softmax", [&] {
    const PrimKey key(p.log ? PrimKind::LogSoftmax : PrimKind::Softmax, {p.outer, p.axisLen, p.inner});
    CachedPrim c = getPrimitive(key, [&] {
      dnnl::memory::desc md({p.outer, p.axisLen, p.inner}, dnnl::memory::data_type::f32,
                            dnnl::memory::format_tag::abc);
      CachedPrim made;
      if (p.log) {
        dnnl::logsoftmax_forward::desc d(dnnl::prop_kind::forward_inference, md, 1);
        made.prim = dnnl::logsoftmax_forward(dnnl::logsoftmax_forward::primitive_desc(d, dnnlEngine()));
      } else {
        dnnl::softmax_forward::desc d(dnnl::prop_kind::forward_inference, md, 1);
        made.prim = dnnl::softmax_forward(dnnl::softmax_forward::primitive_desc(d, dnnlEngine()));
      }
      made.md[0] = md;
      return made;
    });
    dnnl::memory src(c.md[0], dnnlEngine(), const_cast<void*>(p.x));
    dnnl::memory dst(c.md[0], dnnlEngine(), p.out);
    c.prim.execute(dnnlStream(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    dnnlStream().wait();
  });
}

// Whether oneDNN picked a jit kernel rather than its reference one.
bool isJit(const dnnl::primitive_desc& pd) { return std::string(pd.impl_info_str()).rfind("ref", 0) != 0; }

// dx from y and dy: softmax dx = y·(dy − Σ dy·y); logsoftmax dx = dy − exp(y)·Σ dy. oneDNN 2.6 has
// a jit backward only for AVX-512 machines; elsewhere its reference kernel is 5-6× slower than
// backwardPlain (docs/benchmarks.md), so the primitive is cached empty and false is returned.
bool backwardDnnl(const SoftmaxParams& p) {
  bool done = false;
  ThreadScope threads(threadsFor(static_cast<double>(p.outer) * p.axisLen * p.inner, kElemsPerThread));
  withDnnl("softmaxBackward", [&] {
    const PrimKey key(p.log ? PrimKind::LogSoftmaxBackward : PrimKind::SoftmaxBackward, {p.outer, p.axisLen, p.inner});
    CachedPrim c = getPrimitive(key, [&] {
      dnnl::memory::desc md({p.outer, p.axisLen, p.inner}, dnnl::memory::data_type::f32,
                            dnnl::memory::format_tag::abc);
      CachedPrim made;
      if (p.log) {
        dnnl::logsoftmax_forward::primitive_desc hint(
            dnnl::logsoftmax_forward::desc(dnnl::prop_kind::forward_training, md, 1), dnnlEngine());
        dnnl::logsoftmax_backward::primitive_desc pd(dnnl::logsoftmax_backward::desc(md, md, 1), dnnlEngine(), hint);
        if (isJit(pd)) made.prim = dnnl::logsoftmax_backward(pd);
      } else {
        dnnl::softmax_forward::primitive_desc hint(
            dnnl::softmax_forward::desc(dnnl::prop_kind::forward_training, md, 1), dnnlEngine());
        dnnl::softmax_backward::primitive_desc pd(dnnl::softmax_backward::desc(md, md, 1), dnnlEngine(), hint);
        if (isJit(pd)) made.prim = dnnl::softmax_backward(pd);
      }
      made.md[0] = md;
      return made;
    });
    if (!c.prim) return;
    dnnl::memory dst(c.md[0], dnnlEngine(), const_cast<void*>(p.x));
    dnnl::memory diffDst(c.md[0], dnnlEngine(), const_cast<void*>(p.dy));
    dnnl::memory diffSrc(c.md[0], dnnlEngine(), p.out);
    c.prim.execute(dnnlStream(), {{DNNL_ARG_DST, dst}, {DNNL_ARG_DIFF_DST, diffDst}, {DNNL_ARG_DIFF_SRC, diffSrc}});
    dnnlStream().wait();
    done = true;
  });
  return done;
}

bool useDnnl(const SoftmaxParams& p) {
  return supportsDnnl(p.dtype) && p.inner == 1 && p.outer * p.axisLen >= kDnnlMin;
}

}  // namespace

void softmaxCpu(const SoftmaxParams& p) {
  if (useDnnl(p)) return forwardDnnl(p);
  BS_DISPATCH_FLOAT(p.dtype, T, forwardPlain<T>(p));
}

void softmaxBackwardCpu(const SoftmaxParams& p) {
  if (useDnnl(p) && backwardDnnl(p)) return;
  BS_DISPATCH_FLOAT(p.dtype, T, backwardPlain<T>(p));
}

}  // namespace bs
