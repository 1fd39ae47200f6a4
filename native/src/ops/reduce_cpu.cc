// Reductions. Contiguous blocks of reduced axes become [outer, R, inner] (the common case, run in
// parallel with a fixed chunking so results do not depend on the thread count); any other axis
// set is walked once in memory order, accumulating into the output slot of each element.
#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>

#include "../parallel.h"
#include "reduce.h"

namespace bs {

const char* reduceName(int op) {
  static constexpr const char* names[] = {"sum", "mean", "max", "min", "prod", "argmax", "argmin"};
  return op >= 0 && op < kNumReduceOps ? names[op] : "?";
}

namespace {

// Sums and products accumulate in double (floats) or wrapping uint64 (ints): float32 sums keep
// their precision, and integer overflow wraps like the output type would, without UB.
template <int OP, typename T>
struct Reducer {
  static constexpr bool kArith = OP == kSum || OP == kMean || OP == kProd;
  using Acc = std::conditional_t<!kArith, T, std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>>;

  static Acc identity() {
    if constexpr (OP == kProd) return Acc(1);
    else if constexpr (kArith) return Acc(0);
    else if constexpr (OP == kMax) {
      if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
      else return std::numeric_limits<T>::lowest();
    } else {
      if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
      else return std::numeric_limits<T>::max();
    }
  }
  static Acc combine(Acc a, Acc x) {
    if constexpr (OP == kProd) return a * x;
    else if constexpr (kArith) return a + x;
    else if constexpr (OP == kMax) return (a > x || a != a) ? a : x;  // NaN sticks, as in numpy
    else return (a < x || a != a) ? a : x;
  }
  static Acc lift(T v) {
    if constexpr (kArith && !std::is_floating_point_v<T>) return static_cast<Acc>(static_cast<int64_t>(v));
    else return static_cast<Acc>(v);
  }
  static T finish(Acc a, int64_t extent) {
    if constexpr (OP == kMean) return static_cast<T>(a / static_cast<double>(extent));
    else return static_cast<T>(a);
  }
};

constexpr int64_t kChunk = 1 << 14;  // fixed work unit: keeps results thread-count independent
constexpr int64_t kColChunk = 512;

template <int OP, typename T>
typename Reducer<OP, T>::Acc reduceRun(const T* x, int64_t len) {
  using Rd = Reducer<OP, T>;
  using Acc = typename Rd::Acc;
  // Eight independent lanes let the compiler vectorise without reassociating one serial sum.
  Acc lanes[8];
  for (auto& l : lanes) l = Rd::identity();
  int64_t j = 0;
  for (; j + 8 <= len; j += 8)
    for (int l = 0; l < 8; l++) lanes[l] = Rd::combine(lanes[l], Rd::lift(x[j + l]));
  for (; j < len; j++) lanes[0] = Rd::combine(lanes[0], Rd::lift(x[j]));
  Acc acc = lanes[0];
  for (int l = 1; l < 8; l++) acc = Rd::combine(acc, lanes[l]);
  return acc;
}

template <int OP, typename T>
void reduceBlock(const T* x, T* out, int64_t outer, int64_t R, int64_t inner) {
  using Rd = Reducer<OP, T>;
  using Acc = typename Rd::Acc;
  const bool par = outer * R * inner >= kParallelMin;
  if (inner == 1) {
    if (outer == 1 && R >= 2 * kChunk) {
      const int64_t chunks = (R + kChunk - 1) / kChunk;
      std::unique_ptr<Acc[]> part(new Acc[chunks]);
      parallelFor(chunks, par, [&](int64_t c) {
        part[c] = reduceRun<OP, T>(x + c * kChunk, std::min(kChunk, R - c * kChunk));
      });
      Acc acc = Rd::identity();
      for (int64_t c = 0; c < chunks; c++) acc = Rd::combine(acc, part[c]);
      out[0] = Rd::finish(acc, R);
      return;
    }
    parallelFor(outer, par, [&](int64_t o) { out[o] = Rd::finish(reduceRun<OP, T>(x + o * R, R), R); });
    return;
  }
  const int64_t colChunks = (inner + kColChunk - 1) / kColChunk;
  parallelFor(outer * colChunks, par, [&](int64_t task) {
    const int64_t o = task / colChunks, c0 = (task % colChunks) * kColChunk;
    const int64_t cols = std::min(kColChunk, inner - c0);
    Acc acc[kColChunk];
    for (int64_t i = 0; i < cols; i++) acc[i] = Rd::identity();
    const T* base = x + o * R * inner + c0;
    for (int64_t r = 0; r < R; r++) {
      const T* row = base + r * inner;
      for (int64_t i = 0; i < cols; i++) acc[i] = Rd::combine(acc[i], Rd::lift(row[i]));
    }
    T* dst = out + o * inner + c0;
    for (int64_t i = 0; i < cols; i++) dst[i] = Rd::finish(acc[i], R);
  });
}

// Any axis set: one pass over x in memory order with an odometer over (merged) dims.
template <int OP, typename T>
void reduceGeneral(const T* x, T* out, const int64_t* shape, const bool* reduced, int rank,
                   int64_t outCount, int64_t extent) {
  using Rd = Reducer<OP, T>;
  using Acc = typename Rd::Acc;
  int64_t outStride[kMaxRank];
  int64_t s = 1;
  for (int i = rank - 1; i >= 0; i--) {
    outStride[i] = reduced[i] ? 0 : s;
    if (!reduced[i]) s *= shape[i];
  }
  std::unique_ptr<Acc[]> acc(new Acc[outCount]);
  for (int64_t i = 0; i < outCount; i++) acc[i] = Rd::identity();
  int64_t idx[kMaxRank] = {};
  int64_t o = 0;
  const int64_t last = shape[rank - 1], lastStride = outStride[rank - 1];
  for (const T* p = x;;) {
    if (lastStride == 0)  // the innermost dim is reduced: a contiguous run, done with 8 lanes
      acc[o] = Rd::combine(acc[o], reduceRun<OP, T>(p, last));
    else
      for (int64_t j = 0; j < last; j++) acc[o + j] = Rd::combine(acc[o + j], Rd::lift(p[j]));
    p += last;
    int d = rank - 2;
    for (; d >= 0; d--) {
      o += outStride[d];
      if (++idx[d] < shape[d]) break;
      o -= outStride[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) break;
  }
  for (int64_t i = 0; i < outCount; i++) out[i] = Rd::finish(acc[i], extent);
}

template <bool MAX, typename T>
void argReduce(const T* x, int64_t* out, int64_t outer, int64_t R, int64_t inner) {
  const int64_t total = outer * inner;
  parallelFor(total, total * R >= kParallelMin, [&](int64_t t) {
    const int64_t o = t / inner, i = t % inner;
    const T* p = x + o * R * inner + i;
    int64_t best = 0;
    T bv = p[0];
    if (!(bv != bv)) {
      for (int64_t r = 1; r < R; r++) {
        const T v = p[r * inner];
        if (v != v) {  // the first NaN wins, as numpy's argmax
          best = r;
          break;
        }
        if (MAX ? v > bv : v < bv) {
          bv = v;
          best = r;
        }
      }
    }
    out[t] = best;
  });
}

template <int OP, typename T>
void run(const ReduceParams& p, int64_t outer, int64_t R, int64_t inner, bool block,
         const int64_t* mshape, const bool* mred, int mrank, int64_t outCount) {
  const T* x = static_cast<const T*>(p.x);
  if constexpr (OP == kArgmax || OP == kArgmin) {
    argReduce<OP == kArgmax, T>(x, static_cast<int64_t*>(p.out), outer, R, inner);
  } else {
    T* out = static_cast<T*>(p.out);
    if (block) reduceBlock<OP, T>(x, out, outer, R, inner);
    else reduceGeneral<OP, T>(x, out, mshape, mred, mrank, outCount, R);
  }
}

}  // namespace

void reduceCpu(const ReduceParams& p) {
  // Merge neighbouring axes that are both kept or both reduced (x is contiguous).
  int64_t mshape[kMaxRank];
  bool mred[kMaxRank];
  int mrank = 0;
  int64_t outCount = 1, extent = 1;
  for (int i = 0; i < p.shape.n; i++) {
    (p.reduced[i] ? extent : outCount) *= p.shape[i];
    if (p.shape[i] == 1) continue;  // extent-1 axes change nothing, reduced or not
    if (mrank > 0 && mred[mrank - 1] == p.reduced[i]) {
      mshape[mrank - 1] *= p.shape[i];
    } else {
      mshape[mrank] = p.shape[i];
      mred[mrank++] = p.reduced[i];
    }
  }
  int64_t outer = 1, R = 1, inner = 1;
  int blocks = 0;
  for (int i = 0; i < mrank; i++) {
    if (mred[i]) { blocks++; R = mshape[i]; }
    else (blocks ? inner : outer) *= mshape[i];
  }
  if (blocks == 0) R = 1;
  if (extent == 0) R = 0;
  const bool block = blocks <= 1 || extent == 0;
  if (extent == 0) { outer = outCount; inner = 1; }
  if (!block) R = extent;  // the general walk divides means by the whole extent

  const int op = p.dtype != DType::Bool ? p.op : p.op == kSum ? kMax : p.op == kProd ? kMin : p.op;
  BS_DISPATCH_ALL(p.dtype, T, {
    switch (op) {
      case kSum: run<kSum, T>(p, outer, R, inner, block, mshape, mred, mrank, outCount); break;
      case kMean: if constexpr (std::is_floating_point_v<T>) run<kMean, T>(p, outer, R, inner, block, mshape, mred, mrank, outCount); break;
      case kMax: run<kMax, T>(p, outer, R, inner, block, mshape, mred, mrank, outCount); break;
      case kMin: run<kMin, T>(p, outer, R, inner, block, mshape, mred, mrank, outCount); break;
      case kProd: run<kProd, T>(p, outer, R, inner, block, mshape, mred, mrank, outCount); break;
      case kArgmax: run<kArgmax, T>(p, outer, R, inner, block, mshape, mred, mrank, outCount); break;
      default: run<kArgmin, T>(p, outer, R, inner, block, mshape, mred, mrank, outCount); break;
    }
  });
}

}  // namespace bs
