// Softmax / log-softmax and their backward on the GPU: one block per row (o, i) of the
// [outer, axisLen, inner] view, threads striding along the axis, block-wide max and sums in
// shared memory. Same formulas as softmax_cpu.cc's plain loops: the row max is subtracted before
// exponentiating, each exp is computed once (in double) and sums accumulate in double.
#include "../cuda/launch.cuh"
#include "softmax.h"

namespace bs {

namespace {

constexpr int kMaxThreads = 256;

// Block-wide reduction of v; every thread gets the result. `max` keeps NaN sticky, as the CPU.
template <typename V, bool MAX>
__device__ V blockReduce(V v, V* buf) {
  buf[threadIdx.x] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      const V a = buf[threadIdx.x], b = buf[threadIdx.x + s];
      buf[threadIdx.x] = MAX ? ((b > a || b != b) ? b : a) : a + b;
    }
    __syncthreads();
  }
  const V r = buf[0];
  __syncthreads();  // buf may be reused right away
  return r;
}

template <typename T>
__global__ void softmaxKernel(const T* x, T* y, int64_t rows, int64_t L, int64_t I, bool logMode) {
  __shared__ T tbuf[kMaxThreads];
  __shared__ double dbuf[kMaxThreads];
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const int64_t base = (row / I) * L * I + row % I;
    const T* xs = x + base;
    T* ys = y + base;
    T mx = T(-INFINITY);
    for (int64_t j = threadIdx.x; j < L; j += blockDim.x) {
      const T v = xs[j * I];
      mx = (v > mx || v != v) ? v : mx;
    }
    mx = blockReduce<T, true>(mx, tbuf);
    double sum = 0;
    if (logMode) {
      for (int64_t j = threadIdx.x; j < L; j += blockDim.x) sum += exp(static_cast<double>(xs[j * I] - mx));
      sum = blockReduce<double, false>(sum, dbuf);
      const T shift = static_cast<T>(log(sum));
      for (int64_t j = threadIdx.x; j < L; j += blockDim.x) ys[j * I] = xs[j * I] - mx - shift;
    } else {
      for (int64_t j = threadIdx.x; j < L; j += blockDim.x) {
        const T e = static_cast<T>(exp(static_cast<double>(xs[j * I] - mx)));
        ys[j * I] = e;
        sum += e;
      }
      sum = blockReduce<double, false>(sum, dbuf);
      const T inv = static_cast<T>(1.0 / sum);
      // Each thread rescales exactly the elements it wrote, so no barrier is needed between.
      for (int64_t j = threadIdx.x; j < L; j += blockDim.x) ys[j * I] *= inv;
    }
  }
}

template <typename T>
__global__ void softmaxBackwardKernel(const T* y, const T* dy, T* dx, int64_t rows, int64_t L, int64_t I,
                                      bool logMode) {
  __shared__ double dbuf[kMaxThreads];
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const int64_t base = (row / I) * L * I + row % I;
    double dot = 0;
    if (logMode) {  // y = log softmax: dx = dy - softmax * Σ dy
      for (int64_t j = threadIdx.x; j < L; j += blockDim.x) dot += dy[base + j * I];
      dot = blockReduce<double, false>(dot, dbuf);
      for (int64_t j = threadIdx.x; j < L; j += blockDim.x)
        dx[base + j * I] = static_cast<T>(dy[base + j * I] - exp(static_cast<double>(y[base + j * I])) * dot);
    } else {  // dx = y * (dy - Σ dy·y)
      for (int64_t j = threadIdx.x; j < L; j += blockDim.x)
        dot += static_cast<double>(dy[base + j * I]) * y[base + j * I];
      dot = blockReduce<double, false>(dot, dbuf);
      for (int64_t j = threadIdx.x; j < L; j += blockDim.x)
        dx[base + j * I] = static_cast<T>(y[base + j * I] * (dy[base + j * I] - dot));
    }
  }
}

unsigned rowBlocks(int64_t rows) { return static_cast<unsigned>(rows < geom::kMaxBlocks ? rows : geom::kMaxBlocks); }

}  // namespace

void softmaxCuda(const SoftmaxParams& p) {
  const cuda::Target t = cuda::target(p.out, "softmax");
  const int64_t rows = p.outer * p.inner;
  if (rows == 0 || p.axisLen == 0) return;
  const int threads = geom::reduceThreads(p.axisLen);
  BS_DISPATCH_FLOAT(p.dtype, T, {
    softmaxKernel<T><<<rowBlocks(rows), threads, 0, t.stream>>>(static_cast<const T*>(p.x), static_cast<T*>(p.out),
                                                                rows, p.axisLen, p.inner, p.log);
  });
  cuda::checkLaunch("softmax");
}

void softmaxBackwardCuda(const SoftmaxParams& p) {
  const cuda::Target t = cuda::target(p.out, "softmaxBackward");
  const int64_t rows = p.outer * p.inner;
  if (rows == 0 || p.axisLen == 0) return;
  const int threads = geom::reduceThreads(p.axisLen);
  BS_DISPATCH_FLOAT(p.dtype, T, {
    softmaxBackwardKernel<T><<<rowBlocks(rows), threads, 0, t.stream>>>(
        static_cast<const T*>(p.x), static_cast<const T*>(p.dy), static_cast<T*>(p.out), rows, p.axisLen, p.inner,
        p.log);
  });
  cuda::checkLaunch("softmaxBackward");
}

}  // namespace bs
