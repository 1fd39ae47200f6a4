// Fused optimizer updates on the CPU: one OpenMP pass per parameter. Arithmetic is done in the
// parameter's dtype, in the order the unfused TypeScript rule applies its elementwise ops, so the
// results match it to the last bit in most elements (and to rounding otherwise).
#include <cmath>

#include "../parallel.h"
#include "optimizer.h"
#include "optimizer_math.h"

namespace bs {

namespace {

template <typename T>
void run(const OptimizerParams& p) {
  T* w = static_cast<T*>(p.w);
  const T* g = static_cast<const T*>(p.g);
  T* s0 = static_cast<T*>(p.s0);
  T* s1 = static_cast<T*>(p.s1);
  const OptimizerScalars<T> k(p);
  parallelFor(p.n, p.n >= kParallelMin, [&](int64_t i) { optimizerStep<T>(p.kind, k, w, g, s0, s1, i); });
}

}  // namespace

void optimizerCpu(const OptimizerParams& p) {
  if (p.n == 0) return;
  if (p.dtype == DType::F32)
    run<float>(p);
  else
    run<double>(p);
}

}  // namespace bs
