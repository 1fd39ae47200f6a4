// Size thresholds, and the loop splitter of the engine's own kernels. Below kParallelMin elements
// an OpenMP fork/join costs more than it saves; below kDnnlMin elements oneDNN's per-call
// overhead (memory objects, argument maps) dominates. Loops run on the same OpenMP pool as oneDNN,
// with as many threads as are free now (threading.h): none are forked while another process keeps
// the other cores busy, since a team waits at its barrier for its slowest, descheduled member.
#pragma once
#include <cstdint>
#include <functional>
#include <utility>

#include "threading.h"

namespace bs {

constexpr int64_t kParallelMin = 1 << 15;
constexpr int64_t kDnnlMin = 4096;

// body(i) for i in [0, n), split over threads only when `parallel` and more than one is free. A
// plain `omp parallel for if(...)` enters the OpenMP runtime on every call even when the condition
// is false, which costs more than a one-element op from JS is allowed to take.
template <typename F>
inline void parallelFor(int64_t n, bool parallel, F&& body) {
  const int threads = parallel && n > 1 ? availableThreads() : 1;
  if (threads > 1) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < n; i++) body(i);
  } else {
    for (int64_t i = 0; i < n; i++) body(i);
  }
}

// body(c) for c in [0, n): the calling thread and up to `threads` - 1 pool threads take chunks
// as they come (threading.h runChunks). A pool thread that gets no CPU takes none and is not
// waited for; the caller does its share. Exceptions from a body are rethrown here.
template <typename F>
inline void parallelChunks(int64_t n, int threads, F&& body) {
  runChunks(n, threads, std::function<void(int64_t)>(std::forward<F>(body)));
}

}  // namespace bs
