// Strided copies and fills on the GPU: one thread per element, offsets from geometry.h's
// StridedMap (dims collapsed on the host first, so contiguous runs cost one multiply). Copies
// move bytes, so they are instantiated per element size (1, 4, 8), not per dtype.
#include "../cuda/launch.cuh"
#include "strided.h"

namespace bs {

namespace {

template <typename E>
__global__ void copyKernel(const E* src, E* dst, geom::StridedMap<2> map, int64_t n) {
  BS_GRID_LOOP(i, n) {
    int64_t off[2];
    map.offsets(i, off);
    dst[off[1]] = src[off[0]];
  }
}

template <typename T>
__global__ void fillStridedKernel(T* dst, geom::StridedMap<1> map, int64_t n, T v) {
  BS_GRID_LOOP(i, n) {
    int64_t off[1];
    map.offsets(i, off);
    dst[off[0]] = v;
  }
}

template <typename E>
void copyWalk(cudaStream_t s, const E* src, const int64_t* srcStrides, E* dst, const int64_t* dstStrides,
              const Dims& shape) {
  geom::StridedMap<2> map;
  map.rank = shape.n;
  for (int i = 0; i < shape.n; i++) {
    map.shape[i] = shape[i];
    map.strides[0][i] = srcStrides[i];
    map.strides[1][i] = dstStrides[i];
  }
  map.collapse();
  const int64_t n = map.count();
  copyKernel<E><<<cuda::gridFor(n), geom::kThreads, 0, s>>>(src, dst, map, n);
  cuda::checkLaunch("copyStrided");
}

template <typename E>
void copyStridedAs(const CopyStridedParams& p, const cuda::Target& t) {
  const E* src = static_cast<const E*>(p.src) + p.srcOffset;
  E* dst = static_cast<E*>(p.dst) + p.dstOffset;
  if (!p.sameStorage) return copyWalk<E>(t.stream, src, p.srcStrides, dst, p.dstStrides, p.shape);
  // src and dst share a buffer and may overlap: gather into scratch first (as the CPU does), so
  // no thread reads an element another thread already overwrote.
  int64_t n = 1, contiguous[kMaxRank];
  for (int i = p.shape.n - 1; i >= 0; i--) {
    contiguous[i] = n;
    n *= p.shape[i];
  }
  cuda::Scratch tmp(t.device, static_cast<size_t>(n) * sizeof(E));
  E* mid = static_cast<E*>(tmp.get());
  copyWalk<E>(t.stream, src, p.srcStrides, mid, contiguous, p.shape);
  copyWalk<E>(t.stream, mid, contiguous, dst, p.dstStrides, p.shape);
}

}  // namespace

void copyStridedCuda(const CopyStridedParams& p) {
  const cuda::Target t = cuda::target(p.dst, "copyStrided");
  switch (dtypeSize(p.dtype)) {
    case 1: copyStridedAs<uint8_t>(p, t); break;
    case 4: copyStridedAs<uint32_t>(p, t); break;
    default: copyStridedAs<uint64_t>(p, t); break;
  }
}

void fillStridedCuda(const FillStridedParams& p) {
  const cuda::Target t = cuda::target(p.dst, "fillStrided");
  geom::StridedMap<1> map;
  map.rank = p.shape.n;
  for (int i = 0; i < p.shape.n; i++) {
    map.shape[i] = p.shape[i];
    map.strides[0][i] = p.dstStrides[i];
  }
  map.collapse();
  const int64_t n = map.count();
  BS_DISPATCH_ALL(p.dtype, T, {
    fillStridedKernel<T><<<cuda::gridFor(n), geom::kThreads, 0, t.stream>>>(
        static_cast<T*>(p.dst) + p.dstOffset, map, n, fromDouble<T>(p.value, p.dtype));
  });
  cuda::checkLaunch("fillStrided");
}

}  // namespace bs
