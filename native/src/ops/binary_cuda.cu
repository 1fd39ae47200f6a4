// Elementwise binary ops with broadcasting (by strides) on the GPU: the rules of binary_math.h
// (shared with binary_cpu.cc), with the op as a runtime switch (see unary_cuda.cu for why), and
// offsets from geometry.h. When both inputs and the output collapse to one contiguous run, the
// kernel skips the index arithmetic.
#include "../cuda/launch.cuh"
#include "binary.h"
#include "binary_math.h"

namespace bs {

namespace {

template <typename T>
__device__ inline void store(int op, T a, T b, void* out, int64_t i) {
  if (op >= kEq) static_cast<uint8_t*>(out)[i] = binaryCompare<T>(op, a, b);
  else static_cast<T*>(out)[i] = binaryArith<T>(op, a, b);
}

template <typename T>
__global__ void binaryKernel(int op, const T* a, const T* b, void* out, geom::StridedMap<2> map, int64_t n,
                             bool contiguous) {
  if (contiguous) {
    BS_GRID_LOOP(i, n) store<T>(op, a[i], b[i], out, i);
  } else {
    BS_GRID_LOOP(i, n) {
      int64_t off[2];
      map.offsets(i, off);
      store<T>(op, a[off[0]], b[off[1]], out, i);
    }
  }
}

template <typename T>
__global__ void scalarKernel(int op, const T* x, T s, bool scalarFirst, void* out, int64_t n) {
  if (scalarFirst) {
    BS_GRID_LOOP(i, n) store<T>(op, s, x[i], out, i);
  } else {
    BS_GRID_LOOP(i, n) store<T>(op, x[i], s, out, i);
  }
}

}  // namespace

void binaryCuda(const BinaryParams& p) {
  const cuda::Target t = cuda::target(p.out, "binary");
  // out is contiguous: its strides are the row-major ones, which lets the map collapse.
  geom::StridedMap<3> full;
  full.rank = p.shape.n;
  int64_t s = 1;
  for (int i = p.shape.n - 1; i >= 0; i--) {
    full.shape[i] = p.shape[i];
    full.strides[0][i] = p.aStrides[i];
    full.strides[1][i] = p.bStrides[i];
    full.strides[2][i] = s;
    s *= p.shape[i];
  }
  full.collapse();
  const int64_t n = full.count();
  const bool contiguous = full.rank == 1 && full.strides[0][0] == 1 && full.strides[1][0] == 1;
  // The kernel needs only the input offsets; the output index is the linear index.
  geom::StridedMap<2> map;
  map.rank = full.rank;
  for (int i = 0; i < full.rank; i++) {
    map.shape[i] = full.shape[i];
    map.strides[0][i] = full.strides[0][i];
    map.strides[1][i] = full.strides[1][i];
  }
  const int op = boolBinaryOp(p.op, p.dtype);
  BS_DISPATCH_ALL(p.dtype, T, {
    binaryKernel<T><<<cuda::gridFor(n), geom::kThreads, 0, t.stream>>>(
        op, static_cast<const T*>(p.a), static_cast<const T*>(p.b), p.out, map, n, contiguous);
  });
  cuda::checkLaunch("binary");
}

void binaryScalarCuda(const BinaryScalarParams& p) {
  const cuda::Target t = cuda::target(p.out, "binaryScalar");
  const int op = boolBinaryOp(p.op, p.dtype);
  BS_DISPATCH_ALL(p.dtype, T, {
    scalarKernel<T><<<cuda::gridFor(p.n), geom::kThreads, 0, t.stream>>>(
        op, static_cast<const T*>(p.x), fromDouble<T>(p.scalar, p.dtype), p.scalarFirst, p.out, p.n);
  });
  cuda::checkLaunch("binaryScalar");
}

}  // namespace bs
