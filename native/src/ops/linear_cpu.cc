// float32 linear on oneDNN inner_product with the bias and (where oneDNN has it) the activation
// fused as an eltwise post-op; otherwise GEMM + bias + unary.
#include <memory>
#include <unordered_map>
#include <vector>

#include "../buffer.h"
#include "../dnnl_common.h"
#include "../parallel.h"
#include "linear.h"
#include "matmul.h"
#include "unary.h"
#include "fused_activation.h"

namespace bs {

namespace {

void applyActivation(const LinearParams& p) {
  if (p.activation < 0) return;
  UnaryParams u{p.activation, p.dtype, p.out, p.out, p.rows * p.outUnits};
  unaryCpu(u);
}

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

// The float32 inner product for one (rows, inUnits, outUnits, bias, activation), ready to run:
// eager calls build one per call from the primitive cache; a LinearPlan keeps them (and their
// memory objects) across calls. Both run the same primitive the same way, so results are identical.
// Built for one thread count (threading.h: the primitive is created and run on that many).
struct DnnlLinear {
  CachedPrim c;
  int threads = 1;
  bool fuse = false;
  bool hasBias = false;
  dnnl::memory src, wei, bias, dst;
  std::unordered_map<int, dnnl::memory> args;

  DnnlLinear(const LinearParams& p, int nThreads) : threads(nThreads) {
    ThreadScope scope(threads);
    dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
    fuse = fusedAlgorithm(p.activation, &alg);
    hasBias = p.bias != nullptr;
    c = linearPrim(p, p.rows, fuse, alg);
    src = dnnl::memory(c.md[0], dnnlEngine(), const_cast<void*>(p.x));
    wei = dnnl::memory(c.md[1], dnnlEngine(), const_cast<void*>(p.w));
    dst = dnnl::memory(c.md[3], dnnlEngine(), p.out);
    if (hasBias) bias = dnnl::memory(c.md[2], dnnlEngine(), const_cast<void*>(p.bias));
    // The map holds handles to the same memory objects, so set_data_handle on src/dst shows here.
    args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}};
    if (hasBias) args.emplace(DNNL_ARG_BIAS, bias);
  }

  void run(const LinearParams& p) {
    ThreadScope scope(threads);
    c.prim.execute(dnnlStream(), args);
    dnnlStream().wait();
    if (!fuse) applyActivation(p);
  }
};

// The same product as row chunks (threading.h chunkRowsFor: while cores are busy elsewhere), each
// a one-thread primitive, taken by the budget's threads as they come (parallelChunks). Every row
// is computed by the same kernel as in one primitive.
struct ChunkedLinear {
  CachedPrim full, last;  // chunkRows rows; the remainder (when rows is not a multiple)
  int64_t chunkRows = 0, chunks = 0;
  bool fuse = false;

  ChunkedLinear(const LinearParams& p, int64_t rowsPerChunk) : chunkRows(rowsPerChunk) {
    ThreadScope scope(1);
    dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
    fuse = fusedAlgorithm(p.activation, &alg);
    chunks = (p.rows + chunkRows - 1) / chunkRows;
    full = linearPrim(p, chunkRows, fuse, alg);
    const int64_t rest = p.rows - (chunks - 1) * chunkRows;
    last = rest == chunkRows ? full : linearPrim(p, rest, fuse, alg);
  }

  void run(const LinearParams& p) {
    const size_t es = sizeof(float);
    parallelChunks(chunks, threadBudget(), [&](int64_t k) {
      const CachedPrim& c = k + 1 == chunks ? last : full;
      const int64_t r0 = k * chunkRows;
      std::unordered_map<int, dnnl::memory> args = {
          {DNNL_ARG_SRC, dnnl::memory(c.md[0], dnnlEngine(), const_cast<char*>(static_cast<const char*>(p.x)) + r0 * p.inUnits * es)},
          {DNNL_ARG_WEIGHTS, dnnl::memory(c.md[1], dnnlEngine(), const_cast<void*>(p.w))},
          {DNNL_ARG_DST, dnnl::memory(c.md[3], dnnlEngine(), static_cast<char*>(p.out) + r0 * p.outUnits * es)}};
      if (p.bias) args.emplace(DNNL_ARG_BIAS, dnnl::memory(c.md[2], dnnlEngine(), const_cast<void*>(p.bias)));
      c.prim.execute(dnnlStream(), args);
      dnnlStream().wait();
    });
    if (!fuse) applyActivation(p);
  }
};

// A one-row product streams its whole weight once per call (memory-bound: one thread reads it at
// its own bandwidth, and a one-thread oneDNN primitive splits nothing). Above kColumnSplitWork it
// runs as slices of the output units (rows of w), each a one-thread primitive over a contiguous
// slice, taken by the budget's threads as they come (parallelChunks: a thread without a CPU
// takes none). The slices depend on the shape and the budget only, never on the load, so every
// call of a shape computes each output with the same kernel (eager and hybridized alike).
constexpr double kColumnSplitWork = 1 << 18;

struct ColumnLinear {
  CachedPrim full, last;  // `per` output units; the remainder
  int64_t per = 0, chunks = 0, rest = 0;
  bool fuse = false;

  ColumnLinear(const LinearParams& p, int64_t perChunk) : per(perChunk) {
    ThreadScope scope(1);
    dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
    fuse = fusedAlgorithm(p.activation, &alg);
    chunks = (p.outUnits + per - 1) / per;
    rest = p.outUnits - (chunks - 1) * per;
    LinearParams q = p;
    q.outUnits = per;
    full = linearPrim(q, p.rows, fuse, alg);
    q.outUnits = rest;
    last = rest == per ? full : linearPrim(q, p.rows, fuse, alg);
  }

  void run(const LinearParams& p) {
    const size_t es = sizeof(float);
    parallelChunks(chunks, threadBudget(), [&](int64_t k) {
      ThreadScope one(1);
      const CachedPrim& c = k + 1 == chunks ? last : full;
      const int64_t j0 = k * per;
      std::unordered_map<int, dnnl::memory> args = {
          {DNNL_ARG_SRC, dnnl::memory(c.md[0], dnnlEngine(), const_cast<void*>(p.x))},
          {DNNL_ARG_WEIGHTS, dnnl::memory(c.md[1], dnnlEngine(), const_cast<char*>(static_cast<const char*>(p.w)) + j0 * p.inUnits * es)},
          {DNNL_ARG_DST, dnnl::memory(c.md[3], dnnlEngine(), static_cast<char*>(p.out) + j0 * es)}};
      if (p.bias) args.emplace(DNNL_ARG_BIAS, dnnl::memory(c.md[2], dnnlEngine(), const_cast<char*>(static_cast<const char*>(p.bias)) + j0 * es));
      c.prim.execute(dnnlStream(), args);
      dnnlStream().wait();
    });
    if (!fuse) applyActivation(p);
  }
};

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

void linearPlainAny(const LinearParams& p) {
  if (p.dtype == DType::F32)
    linearPlain<float>(p);
  else
    linearPlain<double>(p);
}

}  // namespace

void linearCpu(const LinearParams& p) {
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
  linearPlainAny(p);
}

namespace {

// One layer of a LinearPlan. A oneDNN step keeps one prepared primitive per thread count it has
// run with (the count follows the free cores, so a plan built on a quiet machine still adapts
// when a core gets busy).
class LinearStep final : public PlanStep {
 public:
  explicit LinearStep(const LinearParams& params) : p(params) {
    dnnl = p.rows > 0 && p.outUnits > 0 && usesDnnl(p);
    columnPer = dnnl ? columnChunk(p) : 0;
    if (dnnl && columnPer == 0) withDnnl("linearPlan", [&] { prepared(threadsFor(linearWork(p))); });
  }

  size_t outBytes() const override { return static_cast<size_t>(p.rows * p.outUnits) * dtypeSize(p.dtype); }

  void run(const void* in, void* out) override {
    if (p.rows == 0 || p.outUnits == 0) return;
    p.x = in;
    p.out = out;
    if (!dnnl) return linearPlainAny(p);
    withDnnl("linearPlan", [&] {
      if (columnPer > 0) {
        if (!columns) columns = std::make_unique<ColumnLinear>(p, columnPer);
        return columns->run(p);
      }
      const int64_t chunk = chunkRowsFor(p.rows, linearWork(p));
      if (chunk > 0) {
        if (!chunked || chunked->chunkRows != chunk) chunked = std::make_unique<ChunkedLinear>(p, chunk);
        return chunked->run(p);
      }
      DnnlLinear& d = prepared(threadsFor(linearWork(p)));
      d.src.set_data_handle(const_cast<void*>(in));
      d.dst.set_data_handle(out);
      d.run(p);
    });
  }

 private:
  DnnlLinear& prepared(int threads) {
    if (byThreads.size() <= static_cast<size_t>(threads)) byThreads.resize(threads + 1);
    if (!byThreads[threads]) byThreads[threads] = std::make_unique<DnnlLinear>(p, threads);
    return *byThreads[threads];
  }

  LinearParams p;
  bool dnnl = false;  // false: the plain kernel
  std::vector<std::unique_ptr<DnnlLinear>> byThreads;  // index: thread count
  std::unique_ptr<ChunkedLinear> chunked;               // while cores are busy elsewhere
  int64_t columnPer = 0;                                // one-row products: slices of the output units
  std::unique_ptr<ColumnLinear> columns;
};

std::vector<std::unique_ptr<PlanStep>> linearSteps(DType dtype, int64_t rows, const std::vector<LinearPlan::Layer>& layers) {
  if (layers.empty()) fail(code::kArgs, "linearPlan: a plan needs at least one layer");
  std::vector<std::unique_ptr<PlanStep>> steps;
  for (const LinearPlan::Layer& l : layers)
    steps.push_back(std::make_unique<LinearStep>(LinearParams{dtype, nullptr, l.w->data, l.bias ? l.bias->data : nullptr,
                                                              nullptr, rows, l.inUnits, l.outUnits, l.activation}));
  return steps;
}

}  // namespace

LinearPlan::LinearPlan(DType dtype, int64_t rows, std::vector<Layer> layers)
    : Plan(linearSteps(dtype, rows, layers)), dtype_(dtype), rows_(rows), layers_(std::move(layers)) {}

}  // namespace bs
