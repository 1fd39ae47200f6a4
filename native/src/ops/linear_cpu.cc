// float32 linear on oneDNN inner_product with the bias and (where oneDNN has it) the activation
// fused as an eltwise post-op; otherwise GEMM + bias + unary. The oneDNN runners shared with the
// compiled plan (linear_plan.cc) are in linear_kernels.h.
#include <memory>
#include <unordered_map>
#include <vector>

#include "../buffer.h"
#include "../dnnl_common.h"
#include "../parallel.h"
#include "linear.h"
#include "linear_kernels.h"
#include "matmul.h"
#include "unary.h"

namespace bs {

namespace linear {

void applyActivation(const LinearParams& p) {
  if (p.activation < 0) return;
  UnaryParams u{p.activation, p.dtype, p.out, p.out, p.rows * p.outUnits};
  unaryCpu(u);
}

namespace {

// Up to this many rows, out = x · w^T runs as one dot product per output over contiguous rows of x
// and w; above it, the cache-blocked GEMM (which first packs w^T: for a single row that packing
// and its allocation cost more than the products, e.g. 2.2 µs of a 256 → 10 layer at batch 1).
constexpr int64_t kDotRows = 4;
constexpr int kLanes = 8;  // independent partial sums, so the compiler can vectorise the dot

template <typename T>
T dot(const T* a, const T* b, int64_t n) {
  T acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; l++) acc[l] += a[i + l] * b[i + l];
  for (; i < n; i++) acc[0] += a[i] * b[i];
  T s = T(0);
  for (int l = 0; l < kLanes; l++) s += acc[l];
  return s;
}

template <typename T>
void linearPlain(const LinearParams& p) {
  const T* x = static_cast<const T*>(p.x);
  const T* w = static_cast<const T*>(p.w);
  T* out = static_cast<T*>(p.out);
  if (p.rows <= kDotRows) {
    for (int64_t r = 0; r < p.rows; r++)
      for (int64_t j = 0; j < p.outUnits; j++) out[r * p.outUnits + j] = dot(x + r * p.inUnits, w + j * p.inUnits, p.inUnits);
  } else {
    // out = x · w^T: w is [outUnits, inUnits], so B(p, j) = w[j * inUnits + p].
    gemmPlain<T>(x, p.inUnits, 1, w, 1, p.inUnits, out, p.rows, p.outUnits, p.inUnits);
  }
  if (p.bias) {
    const T* bias = static_cast<const T*>(p.bias);
    const int64_t rows = p.rows, cols = p.outUnits;
    parallelFor(rows, rows * cols >= kParallelMin, [&](int64_t r) {
      for (int64_t j = 0; j < cols; j++) out[r * cols + j] += bias[j];
    });
  }
  applyActivation(p);
}

}  // namespace

// The float32 inner product primitive for `rows` rows of p (from the cache); create it inside the
// ThreadScope it will run in. md: src, weights, bias, dst.
CachedPrim linearPrim(const LinearParams& p, int64_t rows, bool fuse, dnnl::algorithm alg) {
  const PrimKey key(PrimKind::InnerProduct, {rows, p.inUnits, p.outUnits, p.bias != nullptr, fuse ? static_cast<int64_t>(alg) : -1});
  return getPrimitive(key, [&] {
    using dt = dnnl::memory::data_type;
    using tag = dnnl::memory::format_tag;
    dnnl::memory::desc src({rows, p.inUnits}, dt::f32, tag::nc);
    dnnl::memory::desc wei({p.outUnits, p.inUnits}, dt::f32, tag::oi);
    dnnl::memory::desc bias({p.outUnits}, dt::f32, tag::x);
    dnnl::memory::desc dst({rows, p.outUnits}, dt::f32, tag::nc);
    dnnl::primitive_attr attr;
    if (fuse) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.f, alg, 0.f, 0.f);
      attr.set_post_ops(ops);
    }
    const auto prop = dnnl::prop_kind::forward_inference;
    dnnl::inner_product_forward::desc d = p.bias ? dnnl::inner_product_forward::desc(prop, src, wei, bias, dst)
                                                 : dnnl::inner_product_forward::desc(prop, src, wei, dst);
    CachedPrim made;
    made.prim = dnnl::inner_product_forward(dnnl::inner_product_forward::primitive_desc(d, attr, dnnlEngine()));
    made.md[0] = src;
    made.md[1] = wei;
    made.md[2] = bias;
    made.md[3] = dst;
    return made;
  });
}

// Output units per slice for a one-row product, or 0: not split (one slice per thread of the budget, multiples of 16).
int64_t columnChunk(const LinearParams& p) {
  const int budget = threadBudget();
  if (p.rows != 1 || budget < 2 || static_cast<double>(p.inUnits) * p.outUnits < kColumnSplitWork) return 0;
  int64_t per = (p.outUnits + budget - 1) / budget;
  per = (per + 15) / 16 * 16;
  return per < p.outUnits ? per : 0;
}

// A few rows of a small layer are faster as plain dot products than through oneDNN's per-call
// setup (measured at batch 1: 20 → 256 in ~0.4 µs against ~1.2 µs for a prepared primitive).
constexpr double kDotMaxWork = 65536.0;

double linearWork(const LinearParams& p) { return static_cast<double>(p.rows) * p.inUnits * p.outUnits; }

bool usesDnnl(const LinearParams& p) {
  const double work = linearWork(p);
  if (p.rows <= kDotRows && work < kDotMaxWork) return false;
  return supportsDnnl(p.dtype) && p.inUnits > 0 && work >= kDnnlMin;
}

void plainAny(const LinearParams& p) {
  if (p.dtype == DType::F32)
    linearPlain<float>(p);
  else
    linearPlain<double>(p);
}

}  // namespace linear

void linearCpu(const LinearParams& p) {
  using namespace linear;
  if (p.rows == 0 || p.outUnits == 0) return;
  if (usesDnnl(p)) {
    withDnnl("linear", [&] {
      const int64_t chunk = chunkRowsFor(p.rows, linearWork(p));
      if (const int64_t per = columnChunk(p))
        ColumnLinear(p, per).run(p);
      else if (chunk > 0)
        ChunkedLinear(p, chunk).run(p);
      else
        DnnlLinear(p, threadsFor(linearWork(p))).run(p);
    });
    return;
  }
  plainAny(p);
}

}  // namespace bs
