// Convolution on the GPU: direct kernels, one thread per output element (grid-stride loops)
// running conv.h's gather rules, so the GPU computes exactly the CPU plain kernel's sums (no
// atomics, no order that depends on scheduling). No cuDNN: these are the correct baseline a
// tiled or implicit-GEMM kernel would be measured against.
#include "../cuda/launch.cuh"
#include "conv.h"
#include "unary.h"

namespace bs {

namespace {

template <typename T>
__global__ void convForwardKernel(ConvGeom g, const T* x, const T* w, const T* bias, T* y, int64_t n) {
  BS_GRID_LOOP(i, n) y[i] = convForwardAt(g, x, w, bias, i);
}

template <typename T>
__global__ void convBackwardDataKernel(ConvGeom g, const T* w, const T* dy, T* dx, int64_t n) {
  BS_GRID_LOOP(i, n) dx[i] = convBackwardDataAt(g, w, dy, i);
}

template <typename T>
__global__ void convBackwardWeightKernel(ConvGeom g, const T* x, const T* dy, T* dw, int64_t n) {
  BS_GRID_LOOP(i, n) dw[i] = convBackwardWeightAt(g, x, dy, i);
}

template <typename T>
__global__ void convBackwardBiasKernel(ConvGeom g, const T* dy, T* db, int64_t n) {
  BS_GRID_LOOP(o, n) db[o] = convBackwardBiasAt(g, dy, o);
}

}  // namespace

void convCuda(const ConvParams& p) {
  const int64_t n = p.g.n * p.g.o * p.g.oh * p.g.ow;
  if (n == 0) return;
  const cuda::Target t = cuda::target(p.y, "convolution");
  BS_DISPATCH_FLOAT(p.dtype, T, {
    convForwardKernel<T><<<cuda::gridFor(n), geom::kThreads, 0, t.stream>>>(
        p.g, static_cast<const T*>(p.x), static_cast<const T*>(p.w), static_cast<const T*>(p.bias), static_cast<T*>(p.y), n);
  });
  cuda::checkLaunch("convolution");
  if (p.activation >= 0) unaryCuda(UnaryParams{p.activation, p.dtype, p.y, p.y, n});
}

void convBackwardDataCuda(const ConvParams& p) {
  const int64_t n = p.g.n * p.g.c * p.g.h * p.g.w;
  if (n == 0) return;
  const cuda::Target t = cuda::target(p.dx, "convolutionBackwardData");
  BS_DISPATCH_FLOAT(p.dtype, T, {
    convBackwardDataKernel<T><<<cuda::gridFor(n), geom::kThreads, 0, t.stream>>>(
        p.g, static_cast<const T*>(p.w), static_cast<const T*>(p.dy), static_cast<T*>(p.dx), n);
  });
  cuda::checkLaunch("convolutionBackwardData");
}

void convBackwardWeightsCuda(const ConvParams& p) {
  const int64_t nw = p.g.o * (p.g.c / p.g.groups) * p.g.kh * p.g.kw;
  if (p.dw && nw > 0) {
    const cuda::Target t = cuda::target(p.dw, "convolutionBackwardWeights");
    BS_DISPATCH_FLOAT(p.dtype, T, {
      convBackwardWeightKernel<T><<<cuda::gridFor(nw), geom::kThreads, 0, t.stream>>>(
          p.g, static_cast<const T*>(p.x), static_cast<const T*>(p.dy), static_cast<T*>(p.dw), nw);
    });
    cuda::checkLaunch("convolutionBackwardWeights");
  }
  if (p.db && p.g.o > 0) {
    const cuda::Target t = cuda::target(p.db, "convolutionBackwardWeights");
    BS_DISPATCH_FLOAT(p.dtype, T, {
      convBackwardBiasKernel<T><<<cuda::gridFor(p.g.o), geom::kThreads, 0, t.stream>>>(
          p.g, static_cast<const T*>(p.dy), static_cast<T*>(p.db), p.g.o);
    });
    cuda::checkLaunch("convolutionBackwardWeights");
  }
}

}  // namespace bs
