// Size thresholds. Below kParallelMin elements an OpenMP fork/join costs more than it saves;
// below kDnnlMin elements oneDNN's per-call overhead (memory objects, argument maps) dominates.
#pragma once
#include <cstdint>

namespace bs {

constexpr int64_t kParallelMin = 1 << 15;
constexpr int64_t kDnnlMin = 4096;

// body(i) for i in [0, n), split over threads only when `parallel`. A plain
// `omp parallel for if(...)` enters the OpenMP runtime on every call even when the condition is
// false, which costs more than a one-element op from JS is allowed to take.
template <typename F>
inline void parallelFor(int64_t n, bool parallel, F&& body) {
  if (parallel) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) body(i);
  } else {
    for (int64_t i = 0; i < n; i++) body(i);
  }
}

}  // namespace bs
