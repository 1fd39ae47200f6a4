// Strided copies and fills (transpose, slice, slice-assign, broadcast_to, concat, split), plus the
// N-d walker that binary ops reuse: it collapses dimensions that are contiguous in every operand,
// then hands the innermost run to a kernel so the inner loop stays vectorisable.
#pragma once
#include <algorithm>
#include <cstdint>

#include "../checks.h"
#include "../parallel.h"
#include "../dtype.h"
#include "../cuda/geometry.h"

namespace bs {

struct CopyStridedParams {
  DType dtype;
  const void* src;
  int64_t srcOffset;
  int64_t srcStrides[kMaxRank];
  void* dst;
  int64_t dstOffset;
  int64_t dstStrides[kMaxRank];
  Dims shape;
  bool sameStorage;  // src and dst may overlap: stage through a temporary
};

struct FillStridedParams {
  DType dtype;
  void* dst;
  int64_t dstOffset;
  int64_t dstStrides[kMaxRank];
  Dims shape;
  double value;
};

void copyStridedCpu(const CopyStridedParams& p);
void fillStridedCpu(const FillStridedParams& p);
void copyStridedCuda(const CopyStridedParams& p);  // strided_cuda.cu
void fillStridedCuda(const FillStridedParams& p);

// A shape walked by up to 3 operands with their own strides. The collapsing rule is the one the
// CUDA kernels use (geom::StridedMap, host-compilable and tested against brute force).
static_assert(geom::kMaxDims == kMaxRank, "the CPU walker and the CUDA maps share one rank limit");
template <int N>
struct Walk : geom::StridedMap<N> {
  using geom::StridedMap<N>::rank;
  using geom::StridedMap<N>::shape;
  using geom::StridedMap<N>::strides;

  int64_t rows() const {
    int64_t n = 1;
    for (int i = 0; i < rank - 1; i++) n *= shape[i];
    return n;
  }
  int64_t inner() const { return shape[rank - 1]; }

  // Element offsets (per operand) of the start of row `row` (all dims but the last).
  void rowOffsets(int64_t row, int64_t* off) const {
    for (int k = 0; k < N; k++) off[k] = 0;
    for (int i = rank - 2; i >= 0; i--) {
      int64_t c = row % shape[i];
      row /= shape[i];
      for (int k = 0; k < N; k++) off[k] += c * strides[k][i];
    }
  }

  // Calls f(off[N], innerLen) for every row, splitting rows over threads when `parallel`.
  template <typename F>
  void forEachRow(bool parallel, F&& f) const {
    const int64_t nrows = rows();
    const int64_t len = inner();
    if (!parallel) {
      if (nrows == 1) {
        int64_t off[N] = {};
        f(off, len);
        return;
      }
      int64_t idx[kMaxRank] = {};
      int64_t off[N] = {};
      for (int64_t row = 0; row < nrows; row++) {
        f(off, len);
        for (int i = rank - 2; i >= 0; i--) {  // odometer increment, no divisions
          for (int k = 0; k < N; k++) off[k] += strides[k][i];
          if (++idx[i] < shape[i]) break;
          for (int k = 0; k < N; k++) off[k] -= strides[k][i] * shape[i];
          idx[i] = 0;
        }
      }
      return;
    }
    // Few long rows (a contiguous 1-D op collapses to one row) are cut into pieces so that every
    // thread gets work; many rows are split by row.
    const int64_t pieceLen = nrows >= 64 ? len : std::max<int64_t>(4096, (len + 63) / 64);
    const int64_t pieces = (len + pieceLen - 1) / pieceLen;
    parallelFor(nrows * pieces, true, [&](int64_t t) {
      const int64_t row = t / pieces, start = (t % pieces) * pieceLen;
      int64_t off[N];
      rowOffsets(row, off);
      for (int k = 0; k < N; k++) off[k] += start * strides[k][rank - 1];
      f(off, std::min(pieceLen, len - start));
    });
  }

  // True when walking the last dim in order strides badly through some operand while the
  // second-to-last dim is contiguous in it (a transpose): then tiles beat rows.
  bool wantsTiles() const {
    if (rank < 2 || shape[rank - 1] < 16 || shape[rank - 2] < 16) return false;
    for (int k = 0; k < N; k++)
      if (strides[k][rank - 1] > 1 && strides[k][rank - 2] == 1) return true;
    return false;
  }

  static constexpr int64_t kTile = 32;

  // Calls f(off[N], a0, a1, b0, b1) for kTile x kTile tiles [a0, a1) x [b0, b1) of the last two dims;
  // every element of a tile is a few cache lines away in each operand.
  template <typename F>
  void forEachTile(bool parallel, F&& f) const {
    const int64_t rowsA = shape[rank - 2], colsB = shape[rank - 1];
    int64_t nOuter = 1;
    for (int i = 0; i < rank - 2; i++) nOuter *= shape[i];
    const int64_t tilesA = (rowsA + kTile - 1) / kTile, tilesB = (colsB + kTile - 1) / kTile;
    const int64_t tasks = nOuter * tilesA * tilesB;
    parallelFor(tasks, parallel, [&](int64_t t) {
      int64_t o = t / (tilesA * tilesB);
      const int64_t a0 = (t / tilesB % tilesA) * kTile, b0 = t % tilesB * kTile;
      int64_t off[N] = {};
      for (int i = rank - 3; i >= 0; i--) {
        const int64_t c = o % shape[i];
        o /= shape[i];
        for (int k = 0; k < N; k++) off[k] += c * strides[k][i];
      }
      f(off, a0, std::min(rowsA, a0 + kTile), b0, std::min(colsB, b0 + kTile));
    });
  }
};

}  // namespace bs
