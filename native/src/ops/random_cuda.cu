// Philox4x32-10 on the GPU from the same header as the CPU (random.h), so a seed gives the same
// numbers on either device: thread b computes block counter + b and writes elements 4b..4b+3.
// The arithmetic after the generator uses explicitly rounded intrinsics (__fmul_rn, __fadd_rn),
// which nvcc never fuses into an FMA, and build-native.mjs also compiles this file with
// -fmad=false: a fused multiply-add rounds once where the CPU (x86-64 baseline, no FMA) rounds
// twice, and uniform numbers would then differ in the last bit.
#include "../cuda/launch.cuh"
#include "random.h"

namespace bs {

namespace {

__device__ inline float uniformF(uint32_t w, float lo, float span, float hi, bool ordered) {
  const float v = __fadd_rn(lo, __fmul_rn(span, uniform01f(w)));
  // Rounding can land exactly on `high`; keep the half-open interval (as random_cpu.cc).
  return v < hi || !ordered ? v : nextafterf(hi, lo);
}

template <typename T>
__global__ void randomKernel(T* out, int64_t n, double a, double b, uint64_t seed, uint64_t counter,
                             bool normal) {
  const int64_t blocks = (n + 3) / 4;
  BS_GRID_LOOP(blk, blocks) {
    const Philox4 r = philox4x32_10(seed, counter + static_cast<uint64_t>(blk));
    const int64_t base = blk * 4;
    const int64_t count = n - base < 4 ? n - base : 4;
    if (normal) {
      double z[4];
      boxMuller4(r, z);
      for (int64_t j = 0; j < count; j++) out[base + j] = static_cast<T>(__dadd_rn(a, __dmul_rn(b, z[j])));
    } else if constexpr (sizeof(T) == 4) {
      const float lo = static_cast<float>(a), span = static_cast<float>(b - a), hi = static_cast<float>(b);
      for (int64_t j = 0; j < count; j++) out[base + j] = uniformF(r.v[j], lo, span, hi, b > a);
    } else {
      for (int64_t j = 0; j < count; j++) out[base + j] = __dadd_rn(a, __dmul_rn(b - a, uniform01d(r.v[j])));
    }
  }
}

}  // namespace

void randomCuda(const RandomParams& p) {
  const cuda::Target t = cuda::target(p.out, "random");
  const int64_t blocks = (p.n + 3) / 4;
  if (p.dtype == DType::F32)
    randomKernel<float><<<cuda::gridFor(blocks), geom::kThreads, 0, t.stream>>>(
        static_cast<float*>(p.out), p.n, p.a, p.b, p.seed, p.counter, p.normal);
  else
    randomKernel<double><<<cuda::gridFor(blocks), geom::kThreads, 0, t.stream>>>(
        static_cast<double*>(p.out), p.n, p.a, p.b, p.seed, p.counter, p.normal);
  cuda::checkLaunch("random");
}

}  // namespace bs
