// Padding on the CPU: plain loops over the rules of pad.h (oneDNN has no padding primitive).
#include "../parallel.h"
#include "pad.h"

namespace bs {

namespace {

// Sizes of the [outer, d0, d1, d2] views with missing trailing axes as 1.
struct View {
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, before[3] = {0, 0, 0}, after[3] = {0, 0, 0};
  explicit View(const PadParams& p) {
    for (int d = 0; d < p.k; d++) {
      in[d] = p.in[d];
      before[d] = p.before[d];
      after[d] = p.after[d];
      out[d] = p.in[d] + p.before[d] + p.after[d];
    }
  }
};

template <typename T>
void forward(const PadParams& p) {
  const View v(p);
  const T* x = static_cast<const T*>(p.x);
  T* y = static_cast<T*>(p.out);
  const T fill = fromDouble<T>(p.value, p.dtype);
  const int64_t outPlane = v.out[0] * v.out[1] * v.out[2], inPlane = v.in[0] * v.in[1] * v.in[2];
  const int64_t total = p.outer * outPlane;
  parallelFor(total, total >= kParallelMin, [&](int64_t e) {
    const int64_t b = e / outPlane, r = e % outPlane;
    const int64_t o2 = r % v.out[2], o1 = (r / v.out[2]) % v.out[1], o0 = r / (v.out[2] * v.out[1]);
    const int64_t i0 = pad::source(o0, v.in[0], v.before[0], p.mode);
    const int64_t i1 = pad::source(o1, v.in[1], v.before[1], p.mode);
    const int64_t i2 = pad::source(o2, v.in[2], v.before[2], p.mode);
    y[e] = (i0 < 0 || i1 < 0 || i2 < 0) ? fill : x[b * inPlane + (i0 * v.in[1] + i1) * v.in[2] + i2];
  });
}

template <typename T>
void backward(const PadParams& p) {
  const View v(p);
  const T* dy = static_cast<const T*>(p.x);
  T* dx = static_cast<T*>(p.out);
  const int64_t outPlane = v.out[0] * v.out[1] * v.out[2], inPlane = v.in[0] * v.in[1] * v.in[2];
  const int64_t total = p.outer * inPlane;
  parallelFor(total, total >= kParallelMin, [&](int64_t e) {
    const int64_t b = e / inPlane, r = e % inPlane;
    const int64_t idx[3] = {r / (v.in[2] * v.in[1]), (r / v.in[2]) % v.in[1], r % v.in[2]};
    int64_t lo[3][3], hi[3][3];
    int cnt[3];
    for (int d = 0; d < 3; d++) cnt[d] = pad::readers(idx[d], v.in[d], v.before[d], v.after[d], p.mode, lo[d], hi[d]);
    double sum = 0;
    const T* g = dy + b * outPlane;
    for (int a = 0; a < cnt[0]; a++)
      for (int64_t o0 = lo[0][a]; o0 <= hi[0][a]; o0++)
        for (int c = 0; c < cnt[1]; c++)
          for (int64_t o1 = lo[1][c]; o1 <= hi[1][c]; o1++)
            for (int d = 0; d < cnt[2]; d++)
              for (int64_t o2 = lo[2][d]; o2 <= hi[2][d]; o2++) sum += g[(o0 * v.out[1] + o1) * v.out[2] + o2];
    dx[e] = static_cast<T>(sum);
  });
}

}  // namespace

void padCpu(const PadParams& p) { BS_DISPATCH_ALL(p.dtype, T, forward<T>(p)); }
void padBackwardCpu(const PadParams& p) { BS_DISPATCH_FLOAT(p.dtype, T, backward<T>(p)); }

}  // namespace bs
