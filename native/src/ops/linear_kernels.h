// The oneDNN runners of a float32 linear, shared by eager calls (linear_cpu.cc) and the compiled
// Dense plan (linear_plan.cc): one primitive on a team sized by the work (DnnlLinear), row chunks
// taken by our own pool while cores are busy elsewhere (ChunkedLinear), and output-unit slices
// for one-row products (ColumnLinear). Internal to the linear op.
#pragma once
#include <cstdint>
#include <unordered_map>

#include "../dnnl_common.h"
#include "../parallel.h"
#include "fused_activation.h"
#include "linear.h"

namespace bs::linear {

// act(out) in place for p's rows (the activation oneDNN could not fuse), or nothing.
void applyActivation(const LinearParams& p);
// The float32 inner product primitive for `rows` rows of p (from the cache); create it inside the
// ThreadScope it will run in. md: src, weights, bias, dst.
CachedPrim linearPrim(const LinearParams& p, int64_t rows, bool fuse, dnnl::algorithm alg);
// Multiply-adds of p.
double linearWork(const LinearParams& p);
// Whether p runs on oneDNN (false: the plain kernels, plainAny).
bool usesDnnl(const LinearParams& p);
// Output units per slice for a one-row product, or 0: not split.
int64_t columnChunk(const LinearParams& p);
// The plain (non-oneDNN) kernels, float32 or float64.
void plainAny(const LinearParams& p);

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

}  // namespace bs::linear
