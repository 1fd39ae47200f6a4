#include "../parallel.h"
#include "random.h"

#include <cmath>

namespace bs {

namespace {

// Block-aligned: element i sits in block counter + i/4 at word i%4, so a thread handling a range
// of blocks produces exactly what a serial loop would.
template <typename T>
void fillRandom(const RandomParams& p) {
  T* out = static_cast<T*>(p.out);
  const int64_t n = p.n;
  const int64_t blocks = (n + 3) / 4;
  const double a = p.a, b = p.b;
  parallelFor(blocks, n >= kParallelMin / 4, [&](int64_t blk) {
    const Philox4 r = philox4x32_10(p.seed, p.counter + static_cast<uint64_t>(blk));
    const int64_t base = blk * 4;
    const int64_t count = n - base < 4 ? n - base : 4;
    if (p.normal) {
      double z[4];
      boxMuller4(r, z);
      for (int64_t j = 0; j < count; j++) out[base + j] = static_cast<T>(a + b * z[j]);
    } else {
      for (int64_t j = 0; j < count; j++) {
        if constexpr (sizeof(T) == 4) {
          T u = uniform01f(r.v[j]);
          T v = static_cast<T>(a) + static_cast<T>(b - a) * u;
          // Rounding can land exactly on `high`; keep the half-open interval.
          out[base + j] = v < static_cast<T>(b) || !(b > a) ? v : std::nextafter(static_cast<T>(b), static_cast<T>(a));
        } else {
          out[base + j] = a + (b - a) * uniform01d(r.v[j]);
        }
      }
    }
  });
}

}  // namespace

void randomCpu(const RandomParams& p) {
  if (p.dtype == DType::F32)
    fillRandom<float>(p);
  else
    fillRandom<double>(p);
}

}  // namespace bs
