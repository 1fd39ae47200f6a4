// Elementwise binary ops with broadcasting (by strides) on the GPU: binary_cpu.cc's bop(), with
// the op as a runtime switch (see unary_cuda.cu for why), and offsets from geometry.h. When both
// inputs and the output collapse to one contiguous run, the kernel skips the index arithmetic.
#include <type_traits>

#include "../cuda/launch.cuh"
#include "binary.h"

namespace bs {

namespace {

template <typename T>
__device__ inline T ipow(T a, T b) {
  if constexpr (std::is_signed_v<T>) {
    if (b < 0) return a == 1 ? T(1) : a == -1 ? ((b & 1) ? T(-1) : T(1)) : T(0);
  }
  Wrap<T> result = 1, base = static_cast<Wrap<T>>(a);
  for (Wrap<T> e = static_cast<Wrap<T>>(b); e; e >>= 1) {
    if (e & 1) result *= base;
    base *= base;
  }
  return static_cast<T>(result);
}

// Arithmetic ops (T result).
template <typename T>
__device__ T arith(int op, T a, T b) {
  constexpr bool F = std::is_floating_point_v<T>;
  switch (op) {
    case kAdd: return T(Wrap<T>(a) + Wrap<T>(b));
    case kSub: return T(Wrap<T>(a) - Wrap<T>(b));
    case kMul: return T(Wrap<T>(a) * Wrap<T>(b));
    case kDiv:
      if constexpr (F) return a / b;
      else if constexpr (std::is_signed_v<T>)  // x/0 → 0 and MIN/-1 wraps, as on the CPU
        return b == 0 ? T(0) : b == T(-1) ? T(Wrap<T>(0) - Wrap<T>(a)) : T(a / b);
      else return b == 0 ? T(0) : T(a / b);
    case kPow:
      if constexpr (F) return pow(a, b);
      else return ipow(a, b);
    case kMaximum:
      if constexpr (F) return (a > b || a != a) ? a : b;  // NaN propagates, as numpy
      else return a > b ? a : b;
    default:
      if constexpr (F) return (a < b || a != a) ? a : b;
      else return a < b ? a : b;
  }
}

template <typename T>
__device__ uint8_t cmp(int op, T a, T b) {
  switch (op) {
    case kEq: return a == b;
    case kNe: return a != b;
    case kLt: return a < b;
    case kLe: return a <= b;
    case kGt: return a > b;
    default: return a >= b;
  }
}

template <typename T>
__device__ inline void store(int op, T a, T b, void* out, int64_t i) {
  if (op >= kEq) static_cast<uint8_t*>(out)[i] = cmp<T>(op, a, b);
  else static_cast<T*>(out)[i] = arith<T>(op, a, b);
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

// bool is uint8 0/1: add is logical or (= maximum) and mul is logical and (= minimum).
inline int boolOp(int op, DType d) {
  if (d != DType::Bool) return op;
  return op == kAdd ? kMaximum : op == kMul ? kMinimum : op;
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
  const int op = boolOp(p.op, p.dtype);
  BS_DISPATCH_ALL(p.dtype, T, {
    binaryKernel<T><<<cuda::gridFor(n), geom::kThreads, 0, t.stream>>>(
        op, static_cast<const T*>(p.a), static_cast<const T*>(p.b), p.out, map, n, contiguous);
  });
  cuda::checkLaunch("binary");
}

void binaryScalarCuda(const BinaryScalarParams& p) {
  const cuda::Target t = cuda::target(p.out, "binaryScalar");
  const int op = boolOp(p.op, p.dtype);
  BS_DISPATCH_ALL(p.dtype, T, {
    scalarKernel<T><<<cuda::gridFor(p.n), geom::kThreads, 0, t.stream>>>(
        op, static_cast<const T*>(p.x), fromDouble<T>(p.scalar, p.dtype), p.scalarFirst, p.out, p.n);
  });
  cuda::checkLaunch("binaryScalar");
}

}  // namespace bs
