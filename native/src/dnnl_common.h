// One oneDNN CPU engine for the process, one stream per thread (streams are not thread-safe and
// async workers run beside the main thread), and a small LRU of primitives keyed by
// (op, shapes, flags). Only ops above a size threshold come here: for tiny tensors oneDNN's
// per-call overhead is larger than the work, and plain loops win.
#pragma once
#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <functional>

#include "dtype.h"
#include "errors.h"
#include "threading.h"

namespace bs {

// float32 only: the plain kernels handle everything else, including float64.
inline bool supportsDnnl(DType d) { return d == DType::F32; }

dnnl::engine& dnnlEngine();
dnnl::stream& dnnlStream();

enum class PrimKind : int {
  Eltwise = 1, Softmax, LogSoftmax, Matmul, InnerProduct, Reduction, Binary,
  Conv, ConvBackwardData, ConvBackwardWeights, Pool, PoolTraining, PoolBackward,
  BatchNorm, BatchNormBackward, LayerNorm, LayerNormBackward, Rnn, RnnBackward, SoftmaxBackward, LogSoftmaxBackward
};

// A float's bits as a key value (eps, alpha): an integer cast would merge 1e-5 and 1e-3.
inline int64_t floatKey(float f) {
  int32_t bits;
  static_assert(sizeof bits == sizeof f, "float is 32 bits");
  __builtin_memcpy(&bits, &f, sizeof bits);
  return bits;
}

// A primitive is keyed by its thread count too: oneDNN reads omp_get_max_threads() when it
// creates one, and some kernels keep that split, so build and run it inside one ThreadScope.
struct PrimKey {
  PrimKind kind;
  int threads = omp_get_max_threads();
  int n = 0;
  static constexpr int kMax = 24;  // a convolution's geometry and flags
  int64_t v[kMax] = {};
  PrimKey(PrimKind k, std::initializer_list<int64_t> vals) : kind(k) {
    for (int64_t x : vals)
      if (n < kMax) v[n++] = x;
  }
  bool operator==(const PrimKey& o) const {
    if (kind != o.kind || threads != o.threads || n != o.n) return false;
    for (int i = 0; i < n; i++)
      if (v[i] != o.v[i]) return false;
    return true;
  }
};

struct CachedPrim {
  dnnl::primitive prim;
  dnnl::memory::desc md[4];  // per-op meaning, e.g. src, weights, bias, dst
  size_t scratchpadBytes = 0;  // made with scratchpad_mode::user: pass threadScratchpad(scratchpadBytes)
};

// Scratch memory for a primitive made with scratchpad_mode::user, in a buffer of the calling
// thread (grown as needed, kept for the thread's life). Primitives that several threads run at
// once (chunks of one step) need it: oneDNN's own scratchpad may belong to the primitive, and two
// threads running one primitive would share it.
dnnl::memory threadScratchpad(size_t bytes);

// A buffer of the calling thread holding `md` (slot 0 .. 3: a kernel's copies that are alive at
// once), grown as needed and kept for the thread's next call: blocked copies made per call paid a
// page fault per 4 KiB on fresh memory. A copy over 32 MiB gets a buffer of its own instead (freed
// with the memory), so a thread keeps at most 128 MiB.
dnnl::memory threadMemory(int slot, const dnnl::memory::desc& md);

// The layout `md` with `rows` in place of its batch, when the batch is its outermost dim (dense:
// the whole is batch × the batch stride, as in every layout oneDNN picks for activations), so
// that a run of images is a contiguous part of the whole; else an empty desc.
dnnl::memory::desc batchRows(const dnnl::memory::desc& md, int64_t rows);

// Whether oneDNN chose its reference kernel (`ref:any`, slow) or im2col + GEMM (`gemm:jit`).
bool isRefImpl(const dnnl::primitive_desc_base& pd);
bool isGemmImpl(const dnnl::primitive_desc_base& pd);

// Returns the cached entry or builds it with `make` (which may throw dnnl::error).
CachedPrim getPrimitive(const PrimKey& key, const std::function<CachedPrim()>& make);

// For kernels written before threading.h (and branches that still use it): one thread when
// `single`, else every free one. New code sizes the team by its work: ThreadScope(threadsFor(w)).
class SingleThreadIf {
 public:
  explicit SingleThreadIf(bool single) : scope_(single ? 1 : availableThreads()) {}

 private:
  ThreadScope scope_;
};

// Runs f, turning a dnnl::error into a coded NativeError that names the kernel.
template <typename F>
void withDnnl(const char* kernel, F&& f) {
  try {
    f();
  } catch (const dnnl::error& e) {
    fail(code::kDnnl, "%s: oneDNN failed: %s (status %d)", kernel, e.what(), static_cast<int>(e.status));
  }
}

}  // namespace bs
