// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11). Counter
// based, so element i depends only on (seed, counter, i): identical on any thread count and, since
// these functions are HOSTDEVICE, identical in a later CUDA kernel.
#pragma once
#include <cmath>
#include <cstdint>

#include "../dtype.h"

#ifdef __CUDACC__
#define HOSTDEVICE __host__ __device__
#else
#define HOSTDEVICE
#endif

namespace bs {

struct Philox4 {
  uint32_t v[4];
};

HOSTDEVICE inline uint32_t mulhilo(uint32_t a, uint32_t b, uint32_t* hi) {
  uint64_t p = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(p >> 32);
  return static_cast<uint32_t>(p);
}

// Block `block` of the stream keyed by `seed`: the 64-bit block index is the low half of the
// 128-bit counter; the 64-bit seed is the key.
HOSTDEVICE inline Philox4 philox4x32_10(uint64_t seed, uint64_t block) {
  uint32_t c0 = static_cast<uint32_t>(block), c1 = static_cast<uint32_t>(block >> 32), c2 = 0, c3 = 0;
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int r = 0; r < 10; r++) {
    uint32_t hi0, hi1;
    uint32_t lo0 = mulhilo(0xD2511F53u, c0, &hi0);
    uint32_t lo1 = mulhilo(0xCD9E8D57u, c2, &hi1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return Philox4{{c0, c1, c2, c3}};
}

// [0, 1) with 24 bits for float32 so that rounding can never produce 1.0f.
HOSTDEVICE inline float uniform01f(uint32_t w) { return static_cast<float>(w >> 8) * (1.0f / 16777216.0f); }
HOSTDEVICE inline double uniform01d(uint32_t w) { return static_cast<double>(w) * (1.0 / 4294967296.0); }

// Box–Muller on one block: words (0,1) → normals 0,1 and words (2,3) → normals 2,3. u1 lies in
// (0, 1] so the log is finite.
HOSTDEVICE inline void boxMuller4(const Philox4& r, double out[4]) {
  for (int j = 0; j < 4; j += 2) {
    double u1 = (static_cast<double>(r.v[j]) + 1.0) * (1.0 / 4294967296.0);
    double u2 = static_cast<double>(r.v[j + 1]) * (1.0 / 4294967296.0);
    double radius = sqrt(-2.0 * log(u1));
    double theta = 6.283185307179586 * u2;
    out[j] = radius * cos(theta);
    out[j + 1] = radius * sin(theta);
  }
}

struct RandomParams {
  DType dtype;
  void* out;
  int64_t n;
  double a, b;  // [low, high) for uniform; mean, std for normal
  uint64_t seed;
  uint64_t counter;
  bool normal;
};

void randomCpu(const RandomParams& p);
void randomCuda(const RandomParams& p);  // random_cuda.cu

}  // namespace bs
