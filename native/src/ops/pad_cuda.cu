// Padding on the GPU: one thread per output element forward, one per input element backward
// (the gather of pad.h: no atomics). The index rules are pad.h's, shared with pad_cpu.cc.
#include "../cuda/launch.cuh"
#include "pad.h"

namespace bs {

namespace {

struct View {
  int64_t in[3], out[3], before[3], after[3];
};

View viewOf(const PadParams& p) {
  View v{};
  for (int d = 0; d < 3; d++) {
    const bool used = d < p.k;
    v.in[d] = used ? p.in[d] : 1;
    v.before[d] = used ? p.before[d] : 0;
    v.after[d] = used ? p.after[d] : 0;
    v.out[d] = v.in[d] + v.before[d] + v.after[d];
  }
  return v;
}

template <typename T>
__global__ void forwardKernel(const T* x, T* y, int64_t total, View v, int mode, T fill) {
  const int64_t outPlane = v.out[0] * v.out[1] * v.out[2], inPlane = v.in[0] * v.in[1] * v.in[2];
  BS_GRID_LOOP(e, total) {
    const int64_t b = e / outPlane, r = e % outPlane;
    const int64_t o2 = r % v.out[2], o1 = (r / v.out[2]) % v.out[1], o0 = r / (v.out[2] * v.out[1]);
    const int64_t i0 = pad::source(o0, v.in[0], v.before[0], mode);
    const int64_t i1 = pad::source(o1, v.in[1], v.before[1], mode);
    const int64_t i2 = pad::source(o2, v.in[2], v.before[2], mode);
    y[e] = (i0 < 0 || i1 < 0 || i2 < 0) ? fill : x[b * inPlane + (i0 * v.in[1] + i1) * v.in[2] + i2];
  }
}

template <typename T>
__global__ void backwardKernel(const T* dy, T* dx, int64_t total, View v, int mode) {
  const int64_t outPlane = v.out[0] * v.out[1] * v.out[2], inPlane = v.in[0] * v.in[1] * v.in[2];
  BS_GRID_LOOP(e, total) {
    const int64_t b = e / inPlane, r = e % inPlane;
    const int64_t idx[3] = {r / (v.in[2] * v.in[1]), (r / v.in[2]) % v.in[1], r % v.in[2]};
    int64_t lo[3][3], hi[3][3];
    int cnt[3];
    for (int d = 0; d < 3; d++) cnt[d] = pad::readers(idx[d], v.in[d], v.before[d], v.after[d], mode, lo[d], hi[d]);
    double sum = 0;
    const T* g = dy + b * outPlane;
    for (int a = 0; a < cnt[0]; a++)
      for (int64_t o0 = lo[0][a]; o0 <= hi[0][a]; o0++)
        for (int c = 0; c < cnt[1]; c++)
          for (int64_t o1 = lo[1][c]; o1 <= hi[1][c]; o1++)
            for (int d = 0; d < cnt[2]; d++)
              for (int64_t o2 = lo[2][d]; o2 <= hi[2][d]; o2++) sum += g[(o0 * v.out[1] + o1) * v.out[2] + o2];
    dx[e] = static_cast<T>(sum);
  }
}

}  // namespace

void padCuda(const PadParams& p) {
  const cuda::Target t = cuda::target(p.out, "pad");
  const View v = viewOf(p);
  const int64_t total = p.outer * v.out[0] * v.out[1] * v.out[2];
  BS_DISPATCH_ALL(p.dtype, T, {
    forwardKernel<T><<<cuda::gridFor(total), geom::kThreads, 0, t.stream>>>(
        static_cast<const T*>(p.x), static_cast<T*>(p.out), total, v, p.mode, fromDouble<T>(p.value, p.dtype));
  });
  cuda::checkLaunch("pad");
}

void padBackwardCuda(const PadParams& p) {
  const cuda::Target t = cuda::target(p.out, "padBackward");
  const View v = viewOf(p);
  const int64_t total = p.outer * v.in[0] * v.in[1] * v.in[2];
  BS_DISPATCH_FLOAT(p.dtype, T, {
    backwardKernel<T><<<cuda::gridFor(total), geom::kThreads, 0, t.stream>>>(
        static_cast<const T*>(p.x), static_cast<T*>(p.out), total, v, p.mode);
  });
  cuda::checkLaunch("padBackward");
}

}  // namespace bs
