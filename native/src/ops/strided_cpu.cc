#include <algorithm>
#include <memory>

#include "../parallel.h"
#include "strided.h"

namespace bs {

namespace {

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
  if (w.wantsTiles()) {
    const int r = w.rank;
    const int64_t sa = w.strides[0][r - 2], sb = w.strides[0][r - 1];
    const int64_t da = w.strides[1][r - 2], db = w.strides[1][r - 1];
    constexpr int64_t T = Walk<2>::kTile;
    // Each tile goes through a small buffer: read in src's contiguous order, written in dst's.
    // Reading the strided side directly would keep kTile lines 2^k bytes apart live at once, which
    // for power-of-two pitches all land in one cache set and thrash (1024x1024 went 10x slower).
    w.forEachTile(total >= kParallelMin, [&](const int64_t* off, int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
      E tile[T * T];
      const E* s = src + off[0];
      E* d = dst + off[1];
      if (sa <= sb) {
        for (int64_t b = b0; b < b1; b++)
          for (int64_t a = a0; a < a1; a++) tile[(b - b0) * T + (a - a0)] = s[a * sa + b * sb];
      } else {
        for (int64_t a = a0; a < a1; a++)
          for (int64_t b = b0; b < b1; b++) tile[(b - b0) * T + (a - a0)] = s[a * sa + b * sb];
      }
      if (da <= db) {
        for (int64_t b = b0; b < b1; b++)
          for (int64_t a = a0; a < a1; a++) d[a * da + b * db] = tile[(b - b0) * T + (a - a0)];
      } else {
        for (int64_t a = a0; a < a1; a++)
          for (int64_t b = b0; b < b1; b++) d[a * da + b * db] = tile[(b - b0) * T + (a - a0)];
      }
    });
    return;
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
