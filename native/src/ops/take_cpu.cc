// Row gather / scatter-add on the CPU (take.h). The scatter-add runs in parallel over column
// blocks, not rows, so two indices naming the same row never write at once: no atomics, and the
// sums come out in index order (deterministic).
#include <cstring>

#include "../parallel.h"
#include "take.h"

namespace bs {

namespace {

template <typename T>
void forward(const TakeParams& p) {
  const T* table = static_cast<const T*>(p.table);
  T* out = static_cast<T*>(p.out);
  parallelFor(p.n, p.n * p.dim >= kParallelMin, [&](int64_t i) {
    const int64_t r = take::row(p.index, p.indexDtype, i, p.rows);
    if (r < 0) {
      std::memset(out + i * p.dim, 0, sizeof(T) * p.dim);
      return;
    }
    std::memcpy(out + i * p.dim, table + r * p.dim, sizeof(T) * p.dim);
  });
}

template <typename T>
void backward(const TakeParams& p) {
  const T* dy = static_cast<const T*>(p.table);
  T* dt = static_cast<T*>(p.out);
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (p.dim + kBlock - 1) / kBlock;
  parallelFor(blocks, p.n * p.dim >= kParallelMin, [&](int64_t b) {
    const int64_t c0 = b * kBlock, c1 = c0 + kBlock < p.dim ? c0 + kBlock : p.dim;
    for (int64_t i = 0; i < p.n; i++) {
      const int64_t r = take::row(p.index, p.indexDtype, i, p.rows);
      if (r < 0) continue;
      T* dst = dt + r * p.dim;
      const T* src = dy + i * p.dim;
      for (int64_t c = c0; c < c1; c++) dst[c] += src[c];
    }
  });
}

}  // namespace

void takeCpu(const TakeParams& p) { BS_DISPATCH_ALL(p.dtype, T, forward<T>(p)); }
void takeBackwardCpu(const TakeParams& p) { BS_DISPATCH_FLOAT(p.dtype, T, backward<T>(p)); }

}  // namespace bs
