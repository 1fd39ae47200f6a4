// The compiled Dense plan (LinearPlan, linear.h): one LinearStep per layer, run back to back by
// Plan (plan.h). A float32 oneDNN layer of more than one row multiplies by weights packed once at
// build (packed_gemm.h) and adds bias and activation in one pass over its output; a one-row layer
// runs eager mode's output-unit slices with their memory objects prepared once, and consecutive
// one-row layers run as one job of our thread pool (OneRowChain); layers oneDNN will not pack run
// the eager runners (linear_kernels.h) with primitives and memory objects kept across calls. Packed results equal eager mode's within float32 rounding (the same GEMM kernel, though not
// promised bit for bit). BLOCKSMITH_LINEAR_PLAN=plain, read when a plan is built, gives the plan as
// it was before packing (the eager runners for every layer; the A/B of test/bench/plan-ab.ts);
// BLOCKSMITH_LINEAR_PLAN=spread keeps one-row chains on the pool while every spare core is busy.
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "../buffer.h"
#include "linear.h"
#include "linear_kernels.h"
#include "packed_gemm.h"
#include "unary.h"

namespace bs {

namespace {

using namespace linear;

// Below this many outputs the bias + activation pass runs on one thread: a team forked per layer
// cost more than it saved (A/B, docs/benchmarks.md 2026-12-07 10:45: 512 + 20×512 + 10 at batch 64,
// 32768 outputs a layer, 0.88× the time on one thread).
constexpr int64_t kEpilogueParallelMin = 1 << 17;

// out = act(out + bias) for `rows` rows of p's output at `out`: one pass for relu (the plans'
// usual activation), else the bias pass and the unary kernel.
void biasActivation(const LinearParams& p, float* out, int64_t rows, bool parallel) {
  const float* bias = static_cast<const float*>(p.bias);
  const int64_t cols = p.outUnits;
  const bool relu = p.activation == kRelu;
  if (bias || relu)
    parallelFor(rows, parallel && rows * cols >= kEpilogueParallelMin, [&](int64_t r) {
      float* o = out + r * cols;
      if (bias && relu)
        for (int64_t j = 0; j < cols; j++) o[j] = std::max(o[j] + bias[j], 0.f);
      else if (bias)
        for (int64_t j = 0; j < cols; j++) o[j] += bias[j];
      else
        for (int64_t j = 0; j < cols; j++) o[j] = std::max(o[j], 0.f);
    });
  if (!relu && p.activation >= 0) {
    LinearParams q = p;
    q.out = out;
    q.rows = rows;
    applyActivation(q);
  }
}

// Row chunks of a packed product (while cores are busy elsewhere, as ChunkedLinear): weights
// packed for one thread, each chunk multiplied and finished by whichever thread takes it.
struct PackedChunks {
  PackedWeights w;
  int64_t chunkRows, chunks;

  PackedChunks(const LinearParams& p, int64_t rowsPerChunk)
      : w(static_cast<const float*>(p.w), p.outUnits, p.inUnits, rowsPerChunk, 1),
        chunkRows(rowsPerChunk),
        chunks((p.rows + rowsPerChunk - 1) / rowsPerChunk) {}

  void run(const LinearParams& p) {
    const float* x = static_cast<const float*>(p.x);
    float* out = static_cast<float*>(p.out);
    parallelChunks(chunks, threadBudget(), [&](int64_t k) {
      const int64_t r0 = k * chunkRows, n = std::min(chunkRows, p.rows - r0);
      w.multiply(x + r0 * p.inUnits, out + r0 * p.outUnits, n);
      biasActivation(p, out + r0 * p.outUnits, n, false);
    });
  }
};

// A one-row product as slices of the output units, as eager mode's ColumnLinear runs it (the same
// slices and primitives, so the same results), with each slice's memory objects and argument map
// prepared once: a call only swaps the input and output handles (eager builds them per call).
struct PreparedColumns {
  struct Slice {
    CachedPrim c;
    int64_t j0 = 0;
    dnnl::memory src, dst;
    std::unordered_map<int, dnnl::memory> args;
  };
  std::vector<Slice> slices;
  bool fuse = false;

  PreparedColumns(const LinearParams& p, int64_t per) {
    ThreadScope scope(1);
    dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
    fuse = fusedAlgorithm(p.activation, &alg);
    const size_t es = sizeof(float);
    for (int64_t j0 = 0; j0 < p.outUnits; j0 += per) {
      Slice s;
      s.j0 = j0;
      LinearParams q = p;
      q.outUnits = std::min(per, p.outUnits - j0);
      s.c = linearPrim(q, p.rows, fuse, alg);
      s.src = dnnl::memory(s.c.md[0], dnnlEngine(), nullptr);
      s.dst = dnnl::memory(s.c.md[3], dnnlEngine(), nullptr);
      s.args = {{DNNL_ARG_SRC, s.src},
                {DNNL_ARG_WEIGHTS, dnnl::memory(s.c.md[1], dnnlEngine(), const_cast<char*>(static_cast<const char*>(p.w)) + j0 * p.inUnits * es)},
                {DNNL_ARG_DST, s.dst}};
      if (p.bias) s.args.emplace(DNNL_ARG_BIAS, dnnl::memory(s.c.md[2], dnnlEngine(), const_cast<char*>(static_cast<const char*>(p.bias)) + j0 * es));
      slices.push_back(std::move(s));
    }
  }

  // Slice k of out = x · w^T (the activation too where fused), on the calling thread alone.
  void runSlice(int64_t k, const void* x, void* out) {
    ThreadScope one(1);
    Slice& s = slices[k];
    s.src.set_data_handle(const_cast<void*>(x));
    s.dst.set_data_handle(static_cast<float*>(out) + s.j0);
    s.c.prim.execute(dnnlStream(), s.args);
    dnnlStream().wait();
  }

  void run(const LinearParams& p) {
    parallelChunks(static_cast<int64_t>(slices.size()), threadBudget(), [&](int64_t k) { runSlice(k, p.x, p.out); });
    if (!fuse) applyActivation(p);
  }
};

// One layer of a LinearPlan. A oneDNN step keeps what it prepared per thread count it has run
// with (the count follows the free cores, so a plan built on a quiet machine still adapts when a
// core gets busy).
class LinearStep final : public PlanStep {
 public:
  LinearStep(const LinearParams& params, bool compiled) : p(params), compiled(compiled) {
    dnnl = p.rows > 0 && p.outUnits > 0 && usesDnnl(p);
    columnPer = dnnl ? columnChunk(p) : 0;
    pack = compiled && dnnl && columnPer == 0 && p.rows > 1;
    if (dnnl && columnPer == 0)
      withDnnl("linearPlan", [&] {
        const int threads = threadsFor(linearWork(p));
        if (!pack || !packed(threads).ok()) prepared(threads);
      });
  }

  size_t outBytes() const override { return static_cast<size_t>(p.rows * p.outUnits) * dtypeSize(p.dtype); }

  void run(const void* in, void* out) override {
    if (p.rows == 0 || p.outUnits == 0) return;
    p.x = in;
    p.out = out;
    if (!dnnl) return plainAny(p);
    withDnnl("linearPlan", [&] {
      if (columnPer > 0) {
        if (!compiled) {
          if (!eagerColumns) eagerColumns = std::make_unique<ColumnLinear>(p, columnPer);
          return eagerColumns->run(p);
        }
        if (!columns) columns = std::make_unique<PreparedColumns>(p, columnPer);
        return columns->run(p);
      }
      const int64_t chunk = chunkRowsFor(p.rows, linearWork(p));
      if (chunk > 0 && pack) {
        if (!packedChunks || packedChunks->chunkRows != chunk) packedChunks = std::make_unique<PackedChunks>(p, chunk);
        if (packedChunks->w.ok()) return packedChunks->run(p);
      }
      if (chunk > 0) {
        if (!chunked || chunked->chunkRows != chunk) chunked = std::make_unique<ChunkedLinear>(p, chunk);
        return chunked->run(p);
      }
      const int threads = threadsFor(linearWork(p));
      if (pack) {
        const PackedWeights& w = packed(threads);
        if (w.ok()) {
          w.multiply(static_cast<const float*>(in), static_cast<float*>(out), p.rows);
          return biasActivation(p, static_cast<float*>(out), p.rows, true);
        }
      }
      DnnlLinear& d = prepared(threads);
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

  const PackedWeights& packed(int threads) {
    if (packedBy.size() <= static_cast<size_t>(threads)) packedBy.resize(threads + 1);
    if (!packedBy[threads]) packedBy[threads] = std::make_unique<PackedWeights>(static_cast<const float*>(p.w), p.outUnits, p.inUnits, p.rows, threads);
    return *packedBy[threads];
  }

  LinearParams p;
  bool compiled;      // false: BLOCKSMITH_LINEAR_PLAN=plain, the runners eager mode uses
  bool dnnl = false;  // false: the plain kernel
  bool pack = false;  // multiply by packed weights (else the eager runners)
  std::vector<std::unique_ptr<DnnlLinear>> byThreads;     // index: thread count
  std::vector<std::unique_ptr<PackedWeights>> packedBy;  // index: thread count
  std::unique_ptr<ChunkedLinear> chunked;                 // while cores are busy elsewhere
  std::unique_ptr<PackedChunks> packedChunks;             // the same, packed
  int64_t columnPer = 0;                                  // one-row products: slices of the output units
  std::unique_ptr<PreparedColumns> columns;
  std::unique_ptr<ColumnLinear> eagerColumns;  // BLOCKSMITH_LINEAR_PLAN=plain
};

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Consecutive one-row layers (output-unit slices, or the plain kernel for small ones) as one job of
// our pool per call: each participating thread walks the layers, takes the next free slice of the
// current layer until none is left, and waits only for slices already taken before it goes on to
// the next layer. The pool is woken once per call instead of once per layer. Same slices and
// kernels as eager mode, so the same results.
class OneRowChain final : public PlanStep {
 public:
  OneRowChain(std::vector<LinearParams> layers, bool aloneWhenBusy) : layers_(std::move(layers)), aloneWhenBusy_(aloneWhenBusy) {
    for (LinearParams& p : layers_) {
      const int64_t per = usesDnnl(p) ? columnChunk(p) : 0;
      cols_.push_back(per > 0 ? std::make_unique<PreparedColumns>(p, per) : nullptr);
    }
    for (size_t i = 0; i + 1 < layers_.size(); i++)
      hidden_.push_back(allocateStorage(Device{DeviceType::Cpu, 0}, static_cast<size_t>(layers_[i].outUnits) * sizeof(float)));
    next_ = std::make_unique<std::atomic<int64_t>[]>(layers_.size());
    done_ = std::make_unique<std::atomic<int64_t>[]>(layers_.size());
  }

  // Whether a layer can join: one float32 row, split into slices with its activation fused, or
  // small enough for the plain kernel.
  static bool fits(const LinearParams& p) {
    if (p.rows != 1 || p.dtype != DType::F32 || p.outUnits == 0) return false;
    if (!usesDnnl(p)) return true;
    dnnl::algorithm alg;
    return columnChunk(p) > 0 && (p.activation < 0 || fusedAlgorithm(p.activation, &alg));
  }

  size_t outBytes() const override { return static_cast<size_t>(layers_.back().outUnits) * sizeof(float); }

  void run(const void* in, void* out) override {
    const size_t n = layers_.size();
    for (size_t l = 0; l < n; l++) {
      layers_[l].x = l == 0 ? in : hidden_[l - 1]->data;
      layers_[l].out = l + 1 == n ? out : hidden_[l]->data;
      next_[l].store(0, std::memory_order_relaxed);
      done_[l].store(0, std::memory_order_relaxed);
    }
    error_ = nullptr;
    // While other processes keep every spare core busy the chain runs on the calling thread alone:
    // a pool thread sharing a core, preempted holding a slice, held every layer back (plan-ab.ts,
    // the 21-layer 512-wide MLP at batch 1 with two busy processes on two cores: medians 2.7 ms
    // alone against 3.0-10.4 ms over the pool). With one core busy the pool still pays (1.44 ms
    // against 2.11 alone). BLOCKSMITH_LINEAR_PLAN=spread keeps the pool always, for A/B runs.
    // Same slices either way, same results.
    const int threads = aloneWhenBusy_ && spareCoresTaken() ? 1 : threadBudget();
    withDnnl("linearPlan", [&] {
      parallelChunks(threads, threads, [&](int64_t) { walk(); });
      if (error_) std::rethrow_exception(error_);  // inside withDnnl: a dnnl::error becomes a coded error
    });
  }

 private:
  void walk() {
    for (size_t l = 0; l < layers_.size(); l++) {
      const LinearParams& p = layers_[l];
      const int64_t total = cols_[l] ? static_cast<int64_t>(cols_[l]->slices.size()) : 1;
      for (int64_t k; (k = next_[l].fetch_add(1, std::memory_order_acq_rel)) < total;) {
        try {
          if (cols_[l])
            cols_[l]->runSlice(k, p.x, p.out);
          else
            plainAny(p);
        } catch (...) {
          std::lock_guard<std::mutex> lock(errorMutex_);
          if (!error_) error_ = std::current_exception();
        }
        done_[l].fetch_add(1, std::memory_order_acq_rel);
      }
      for (int spins = 0; done_[l].load(std::memory_order_acquire) < total; spins++) {
        if (spins < 4000)
          cpuRelax();
        else
          std::this_thread::yield();
      }
    }
  }

  std::vector<LinearParams> layers_;
  std::vector<std::unique_ptr<PreparedColumns>> cols_;  // null: the plain kernel, whole
  std::vector<std::shared_ptr<Storage>> hidden_;
  std::unique_ptr<std::atomic<int64_t>[]> next_, done_;
  bool aloneWhenBusy_;
  std::mutex errorMutex_;
  std::exception_ptr error_;
};

std::vector<std::unique_ptr<PlanStep>> linearSteps(DType dtype, int64_t rows, const std::vector<LinearPlan::Layer>& layers) {
  if (layers.empty()) fail(code::kArgs, "linearPlan: a plan needs at least one layer");
  const char* mode = std::getenv("BLOCKSMITH_LINEAR_PLAN");
  const bool compiled = !(mode != nullptr && std::strcmp(mode, "plain") == 0);
  std::vector<std::unique_ptr<PlanStep>> steps;
  std::vector<LinearParams> run;  // one-row layers that may form a OneRowChain
  const auto flush = [&] {
    // Worth a pool job only with two layers or more, one of them split.
    const bool split = std::any_of(run.begin(), run.end(), [](const LinearParams& p) { return usesDnnl(p) && columnChunk(p) > 0; });
    if (run.size() > 1 && split) {
      steps.push_back(std::make_unique<OneRowChain>(std::move(run), !(mode != nullptr && std::strcmp(mode, "spread") == 0)));
    } else {
      for (const LinearParams& p : run) steps.push_back(std::make_unique<LinearStep>(p, compiled));
    }
    run.clear();
  };
  for (const LinearPlan::Layer& l : layers) {
    const LinearParams p{dtype, nullptr, l.w->data, l.bias ? l.bias->data : nullptr, nullptr, rows, l.inUnits, l.outUnits, l.activation};
    if (compiled && OneRowChain::fits(p)) {
      run.push_back(p);
      continue;
    }
    flush();
    steps.push_back(std::make_unique<LinearStep>(p, compiled));
  }
  flush();
  return steps;
}

}  // namespace

LinearPlan::LinearPlan(DType dtype, int64_t rows, std::vector<Layer> layers)
    : Plan(linearSteps(dtype, rows, layers)), dtype_(dtype), rows_(rows), layers_(std::move(layers)) {}

}  // namespace bs
