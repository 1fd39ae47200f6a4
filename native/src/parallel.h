// Size thresholds. Below kParallelMin elements an OpenMP fork/join costs more than it saves;
// below kDnnlMin elements oneDNN's per-call overhead (memory objects, argument maps) dominates.
#pragma once
#include <cstdint>

namespace bs {

constexpr int64_t kParallelMin = 1 << 15;
constexpr int64_t kDnnlMin = 4096;

}  // namespace bs
