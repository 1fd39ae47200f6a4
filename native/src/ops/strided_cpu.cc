#include <algorithm>
#include <memory>

#include "../parallel.h"
#include "strided.h"

namespace bs {

namespace {

// The last two dims are swapped between src and dst (a transpose): walking either one in order
// strides through the other, so copy 32x32 tiles that stay in cache instead.
template <typename E>
void transposeTiles(const E* src, E* dst, const Walk<2>& w, bool parallel) {
  constexpr int64_t kTile = 32;
  const int r = w.rank;
  const int64_t rowsA = w.shape[r - 2], colsB = w.shape[r - 1];
  const int64_t sA = w.strides[0][r - 2], sB = w.strides[0][r - 1];  // src: sA == 1
  const int64_t dA = w.strides[1][r - 2], dB = w.strides[1][r - 1];  // dst: dB == 1
  Walk<2> outer;  // the leading dims, plus a dummy last dim so rowOffsets covers all of them
  outer.rank = r - 1;
  for (int i = 0; i < r - 2; i++) {
    outer.shape[i] = w.shape[i];
    outer.strides[0][i] = w.strides[0][i];
    outer.strides[1][i] = w.strides[1][i];
  }
  outer.shape[r - 2] = 1;
  outer.strides[0][r - 2] = outer.strides[1][r - 2] = 0;
  const int64_t nOuter = outer.rows();
  const int64_t tilesA = (rowsA + kTile - 1) / kTile, tilesB = (colsB + kTile - 1) / kTile;
  const int64_t tasks = nOuter * tilesA * tilesB;
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t t = 0; t < tasks; t++) {
    const int64_t o = t / (tilesA * tilesB), a0 = (t / tilesB % tilesA) * kTile, b0 = t % tilesB * kTile;
    int64_t off[2];
    outer.rowOffsets(o, off);
    const int64_t a1 = std::min(rowsA, a0 + kTile), b1 = std::min(colsB, b0 + kTile);
    for (int64_t a = a0; a < a1; a++)
      for (int64_t b = b0; b < b1; b++) dst[off[1] + a * dA + b * dB] = src[off[0] + a * sA + b * sB];
  }
}

// Copies move bytes, so they dispatch on element size, not dtype.
template <typename E>
void copyWalk(const E* src, const int64_t* srcStrides, E* dst, const int64_t* dstStrides,
              const Dims& shape) {
  Walk<2> w;
  w.rank = shape.n;
  int64_t total = 1;
  for (int i = 0; i < shape.n; i++) {
    w.shape[i] = shape[i];
    w.strides[0][i] = srcStrides[i];
    w.strides[1][i] = dstStrides[i];
    total *= shape[i];
  }
  w.collapse();
  const int r = w.rank;
  if (r >= 2 && w.strides[1][r - 1] == 1 && w.strides[0][r - 2] == 1 && w.strides[0][r - 1] != 1 &&
      w.shape[r - 1] >= 16 && w.shape[r - 2] >= 16) {
    return transposeTiles(src, dst, w, total >= kParallelMin);
  }
  const int64_t s0 = w.strides[0][w.rank - 1], s1 = w.strides[1][w.rank - 1];
  w.forEachRow(total >= kParallelMin, [&](const int64_t* off, int64_t len) {
    const E* s = src + off[0];
    E* d = dst + off[1];
    if (s0 == 1 && s1 == 1) {
      for (int64_t j = 0; j < len; j++) d[j] = s[j];
    } else if (s0 == 0) {
      const E v = s[0];
      for (int64_t j = 0; j < len; j++) d[j * s1] = v;
    } else {
      for (int64_t j = 0; j < len; j++) d[j * s1] = s[j * s0];
    }
  });
}

template <typename E>
void copyStridedAs(const CopyStridedParams& p) {
  const E* src = static_cast<const E*>(p.src) + p.srcOffset;
  E* dst = static_cast<E*>(p.dst) + p.dstOffset;
  if (!p.sameStorage) {
    copyWalk<E>(src, p.srcStrides, dst, p.dstStrides, p.shape);
    return;
  }
  // Source and destination share a buffer and may overlap (e.g. shifting a slice in place):
  // gather into a temporary first so no element is read after it was overwritten.
  int64_t n = 1, contiguous[kMaxRank];
  for (int i = p.shape.n - 1; i >= 0; i--) {
    contiguous[i] = n;
    n *= p.shape[i];
  }
  std::unique_ptr<E[]> tmp(new E[n]);
  copyWalk<E>(src, p.srcStrides, tmp.get(), contiguous, p.shape);
  copyWalk<E>(tmp.get(), contiguous, dst, p.dstStrides, p.shape);
}

}  // namespace

void copyStridedCpu(const CopyStridedParams& p) {
  switch (dtypeSize(p.dtype)) {
    case 1: copyStridedAs<uint8_t>(p); break;
    case 4: copyStridedAs<uint32_t>(p); break;
    default: copyStridedAs<uint64_t>(p); break;
  }
}

void fillStridedCpu(const FillStridedParams& p) {
  BS_DISPATCH_ALL(p.dtype, T, {
    const T v = fromDouble<T>(p.value, p.dtype);
    T* dst = static_cast<T*>(p.dst) + p.dstOffset;
    Walk<1> w;
    w.rank = p.shape.n;
    int64_t total = 1;
    for (int i = 0; i < p.shape.n; i++) {
      w.shape[i] = p.shape[i];
      w.strides[0][i] = p.dstStrides[i];
      total *= p.shape[i];
    }
    w.collapse();
    const int64_t s = w.strides[0][w.rank - 1];
    w.forEachRow(total >= kParallelMin, [&](const int64_t* off, int64_t len) {
      T* d = dst + off[0];
      if (s == 1)
        for (int64_t j = 0; j < len; j++) d[j] = v;
      else
        for (int64_t j = 0; j < len; j++) d[j * s] = v;
    });
  });
}

}  // namespace bs
