// Launch geometry and index arithmetic of the CUDA kernels, kept free of CUDA headers so host C++
// can compile it too: test/native/cuda-geometry.test.ts builds native/src/cuda/geometry_test.cc
// with g++ and checks every function here against brute force, on machines without a GPU (CI).
// A wrong offset here would read out of bounds on a GPU we cannot test on, so it is tested here.
#pragma once
#include <cstdint>

#include "../host_device.h"

namespace bs {
namespace geom {

constexpr int kMaxDims = 32;        // = kMaxRank in checks.h
constexpr int kThreads = 256;       // threads per block of the elementwise kernels
constexpr int64_t kMaxBlocks = 65535LL * 8;  // grid-stride loops cover the rest

BS_HD inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Blocks for n elements at `threads` per block; capped because each thread loops (grid-stride),
// so n up to 2^62 never overflows gridDim.x (2^31 - 1) and tiny n still gets one block.
BS_HD inline int64_t blocksFor(int64_t n, int threads = kThreads, int64_t cap = kMaxBlocks) {
  if (n <= 0) return 1;
  int64_t b = ceilDiv(n, threads);
  return b < cap ? b : cap;
}

// A shape walked by N operands with their own element strides. collapse() drops extent-1 dims and
// merges neighbours that every operand steps over as one (the same rule as Walk in strided.h), so
// a contiguous tensor becomes rank 1 and the per-element div/mod loop is as short as it can be.
template <int N>
struct StridedMap {
  int rank = 0;
  int64_t shape[kMaxDims];
  int64_t strides[N][kMaxDims];

  BS_HD void collapse() {
    int r = 0;
    for (int i = 0; i < rank; i++) {
      if (shape[i] == 1) continue;
      if (r > 0) {
        bool merge = true;
        for (int k = 0; k < N; k++)
          if (strides[k][r - 1] != strides[k][i] * shape[i]) merge = false;
        if (merge) {
          shape[r - 1] *= shape[i];
          for (int k = 0; k < N; k++) strides[k][r - 1] = strides[k][i];
          continue;
        }
      }
      shape[r] = shape[i];
      for (int k = 0; k < N; k++) strides[k][r] = strides[k][i];
      r++;
    }
    if (r == 0) {  // a scalar (or all extents 1): one element at offset 0
      shape[0] = 1;
      for (int k = 0; k < N; k++) strides[k][0] = 0;
      r = 1;
    }
    rank = r;
  }

  BS_HD int64_t count() const {
    int64_t n = 1;
    for (int i = 0; i < rank; i++) n *= shape[i];
    return n;
  }

  // Element offsets of row-major linear index `i` in each operand.
  BS_HD void offsets(int64_t i, int64_t* off) const {
    for (int k = 0; k < N; k++) off[k] = 0;
    for (int d = rank - 1; d >= 0; d--) {
      const int64_t extent = shape[d];
      const int64_t c = d == 0 ? i : i % extent;
      i = d == 0 ? 0 : i / extent;
      for (int k = 0; k < N; k++) off[k] += c * strides[k][d];
    }
  }
};

// Reduction of a contiguous x over a set of axes, as two maps: `kept` turns an output index into
// the offset of its first input element, `red` turns a position in the reduced extent into the
// offset from there. Any axis set works; neighbouring axes of the same kind are merged first.
struct ReducePlan {
  StridedMap<1> kept, red;
  int64_t outCount = 1, extent = 1;
};

BS_HD inline void planReduce(const int64_t* shape, const bool* reduced, int rank, ReducePlan* p) {
  int64_t stride[kMaxDims];
  int64_t s = 1;
  for (int i = rank - 1; i >= 0; i--) {
    stride[i] = s;
    s *= shape[i];
  }
  p->kept.rank = p->red.rank = 0;
  p->outCount = p->extent = 1;
  for (int i = 0; i < rank; i++) {
    StridedMap<1>& m = reduced[i] ? p->red : p->kept;
    m.shape[m.rank] = shape[i];
    m.strides[0][m.rank] = stride[i];
    m.rank++;
    (reduced[i] ? p->extent : p->outCount) *= shape[i];
  }
  p->kept.collapse();
  p->red.collapse();
}

// Tiling of the GEMM kernel: kTileM x kTileN outputs per block of (kTileM/kMicro)*(kTileN/kMicro)
// threads, each computing a kMicro x kMicro patch; k is consumed kTileK at a time.
constexpr int kTileM = 64, kTileN = 64, kTileK = 16, kMicro = 4;
constexpr int kGemmThreads = (kTileM / kMicro) * (kTileN / kMicro);
// gridDim.y and .z stop at 65535: batches (z) and column tiles (y) beyond are launched in slices;
// row tiles go on x, which reaches 2^31 - 1.
constexpr int64_t kMaxGridZ = 65535;

struct GemmGrid {
  int64_t tilesM, tilesN, slices, perSlice;
};
BS_HD inline GemmGrid gemmGrid(int64_t m, int64_t n, int64_t batch) {
  GemmGrid g;
  g.tilesN = ceilDiv(n, kTileN);
  g.tilesM = ceilDiv(m, kTileM);
  g.perSlice = batch < kMaxGridZ ? batch : kMaxGridZ;
  g.slices = batch == 0 ? 0 : ceilDiv(batch, g.perSlice);
  return g;
}

// Element (row, col) of an operand stored row-major [rows, cols], or its transpose: the strides
// the GEMM kernel uses to read A (m x k) and B (k x n) whatever their trans flags.
struct MatStrides {
  int64_t row, col;
};
BS_HD inline MatStrides operandStrides(bool trans, int64_t rows, int64_t cols) {
  return trans ? MatStrides{1, rows} : MatStrides{cols, 1};
}

// Threads per block for reductions that give one block to each output: a power of two no
// larger than the extent (at least one warp) so few threads idle on short rows.
BS_HD inline int reduceThreads(int64_t extent) {
  int t = 32;
  while (t < 256 && t < extent) t *= 2;
  return t;
}

}  // namespace geom
}  // namespace bs
