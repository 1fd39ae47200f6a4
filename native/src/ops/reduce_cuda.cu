// Reductions on the GPU. geometry.h's planReduce turns any axis set into two maps (kept axes →
// start of an output's inputs; position in the reduced extent → offset from there), so one pair
// of kernels serves every case: a block per output with a shared-memory tree when the extent is
// long, a thread per output with a serial loop when outputs are many or the extent strided
// (neighbouring threads then read neighbouring columns). Accumulators are those of reduce_cpu.cc:
// double for float sums and products, wrapping uint64 for integers; argmax/argmin keep the first
// NaN, else the first maximum (minimum), like numpy, which makes their combine order-free.
#include <type_traits>

#include "../cuda/launch.cuh"
#include "reduce.h"

namespace bs {

namespace {

enum Kind { kArithKind, kMinMaxKind, kArgKind };

template <typename T>
struct ArgAcc {
  T v;
  int64_t i;  // -1: nothing seen yet
};

template <typename T, int K>
struct Red {
  using Acc = std::conditional_t<
      K == kArgKind, ArgAcc<T>,
      std::conditional_t<K == kMinMaxKind, T, std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>>>;

  __device__ static Acc identity(int op) {
    if constexpr (K == kArgKind) {
      return Acc{T(0), -1};
    } else if constexpr (K == kMinMaxKind) {
      if constexpr (std::is_floating_point_v<T>)
        return op == kMax ? T(-INFINITY) : T(INFINITY);
      else
        return op == kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    } else {
      return op == kProd ? Acc(1) : Acc(0);
    }
  }
  __device__ static Acc lift(T v, int64_t r) {
    if constexpr (K == kArgKind) return Acc{v, r};
    else if constexpr (K == kArithKind && !std::is_floating_point_v<T>) return static_cast<Acc>(static_cast<int64_t>(v));
    else return static_cast<Acc>(v);
  }
  __device__ static Acc combine(int op, Acc a, Acc x) {
    if constexpr (K == kArgKind) {
      if (a.i < 0) return x;
      if (x.i < 0) return a;
      const bool an = a.v != a.v, xn = x.v != x.v;
      if (an || xn) return an && xn ? (a.i < x.i ? a : x) : an ? a : x;
      const bool aBetter = op == kArgmax ? a.v > x.v : a.v < x.v;
      const bool xBetter = op == kArgmax ? x.v > a.v : x.v < a.v;
      return aBetter ? a : xBetter ? x : (a.i < x.i ? a : x);
    } else if constexpr (K == kMinMaxKind) {
      if (op == kMax) return (a > x || a != a) ? a : x;  // NaN sticks, as in numpy
      return (a < x || a != a) ? a : x;
    } else {
      return op == kProd ? a * x : a + x;
    }
  }
  __device__ static void finish(int op, Acc a, int64_t extent, void* out, int64_t o) {
    if constexpr (K == kArgKind) static_cast<int64_t*>(out)[o] = a.i < 0 ? 0 : a.i;
    else if constexpr (K == kArithKind && std::is_floating_point_v<T>)
      static_cast<T*>(out)[o] = static_cast<T>(op == kMean ? a / static_cast<double>(extent) : a);
    else static_cast<T*>(out)[o] = static_cast<T>(a);
  }
};

constexpr int kMaxReduceThreads = 256;

// One block per output (grid-stride over outputs); blockDim.x is a power of two <= 256.
template <typename T, int K>
__global__ void reduceBlockKernel(int op, const T* x, void* out, geom::ReducePlan plan) {
  using R = Red<T, K>;
  using Acc = typename R::Acc;
  __shared__ Acc buf[kMaxReduceThreads];
  for (int64_t o = blockIdx.x; o < plan.outCount; o += gridDim.x) {
    int64_t base;
    plan.kept.offsets(o, &base);
    Acc acc = R::identity(op);
    for (int64_t r = threadIdx.x; r < plan.extent; r += blockDim.x) {
      int64_t off;
      plan.red.offsets(r, &off);
      acc = R::combine(op, acc, R::lift(x[base + off], r));
    }
    buf[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) buf[threadIdx.x] = R::combine(op, buf[threadIdx.x], buf[threadIdx.x + s]);
      __syncthreads();
    }
    if (threadIdx.x == 0) R::finish(op, buf[0], plan.extent, out, o);
    __syncthreads();  // buf is reused by the next output
  }
}

// One thread per output.
template <typename T, int K>
__global__ void reduceThreadKernel(int op, const T* x, void* out, geom::ReducePlan plan) {
  using R = Red<T, K>;
  BS_GRID_LOOP(o, plan.outCount) {
    int64_t base;
    plan.kept.offsets(o, &base);
    typename R::Acc acc = R::identity(op);
    for (int64_t r = 0; r < plan.extent; r++) {
      int64_t off;
      plan.red.offsets(r, &off);
      acc = R::combine(op, acc, R::lift(x[base + off], r));
    }
    R::finish(op, acc, plan.extent, out, o);
  }
}

template <typename T, int K>
void launch(cudaStream_t s, int op, const void* x, void* out, const geom::ReducePlan& plan) {
  const T* xs = static_cast<const T*>(x);
  // The reduced extent is contiguous in memory when its innermost stride is 1: then a block
  // per output reads coalesced; otherwise threads over outputs read coalesced instead.
  const bool innerContiguous = plan.red.strides[0][plan.red.rank - 1] == 1;
  const bool perBlock = plan.extent >= 64 && (innerContiguous || plan.outCount < 256);
  if (perBlock) {
    const int64_t blocks = plan.outCount < geom::kMaxBlocks ? plan.outCount : geom::kMaxBlocks;
    reduceBlockKernel<T, K><<<static_cast<unsigned>(blocks), geom::reduceThreads(plan.extent), 0, s>>>(op, xs, out, plan);
  } else {
    reduceThreadKernel<T, K><<<cuda::gridFor(plan.outCount), geom::kThreads, 0, s>>>(op, xs, out, plan);
  }
}

}  // namespace

void reduceCuda(const ReduceParams& p) {
  const cuda::Target t = cuda::target(p.out, "reduce");
  geom::ReducePlan plan;
  geom::planReduce(p.shape.v, p.reduced, p.shape.n, &plan);
  if (plan.outCount == 0) return;
  // bool is uint8 0/1: sum is "any" (= max) and prod is "all" (= min), as on the CPU.
  const int op = p.dtype != DType::Bool ? p.op : p.op == kSum ? kMax : p.op == kProd ? kMin : p.op;
  const int kind = (op == kArgmax || op == kArgmin) ? kArgKind : (op == kMax || op == kMin) ? kMinMaxKind : kArithKind;
  BS_DISPATCH_ALL(p.dtype, T, {
    if (kind == kArgKind) launch<T, kArgKind>(t.stream, op, p.x, p.out, plan);
    else if (kind == kMinMaxKind) launch<T, kMinMaxKind>(t.stream, op, p.x, p.out, plan);
    else launch<T, kArithKind>(t.stream, op, p.x, p.out, plan);
  });
  cuda::checkLaunch("reduce");
}

}  // namespace bs
