// Batch normalization on the GPU: one block per channel, threads striding over its n·s values,
// sums in double through a block-wide reduction. The formulas of batch_norm_cpu.cc's plain loops.
#include "../cuda/block_sum.cuh"
#include "../cuda/launch.cuh"
#include "batch_norm.h"

namespace bs {

namespace {

// Offset of the k-th value (k < n·s) of channel ch in the [n, c, s] view.
__device__ inline int64_t offsetOf(int64_t k, int64_t ch, int64_t c, int64_t s) { return ((k / s) * c + ch) * s + k % s; }

template <typename T>
__global__ void forwardKernel(BatchNormParams p) {
  __shared__ double buf[cuda::kSumThreads];
  const T* x = static_cast<const T*>(p.x);
  T* y = static_cast<T*>(p.y);
  const T* gamma = static_cast<const T*>(p.gamma);
  const T* beta = static_cast<const T*>(p.beta);
  const int64_t m = p.n * p.s;
  for (int64_t ch = blockIdx.x; ch < p.c; ch += gridDim.x) {
    double mean, var;
    if (p.training) {
      double part = 0;
      for (int64_t k = threadIdx.x; k < m; k += blockDim.x) part += x[offsetOf(k, ch, p.c, p.s)];
      mean = cuda::blockSum(part, buf) / static_cast<double>(m);
      part = 0;
      for (int64_t k = threadIdx.x; k < m; k += blockDim.x) {
        const double d = x[offsetOf(k, ch, p.c, p.s)] - mean;
        part += d * d;
      }
      var = cuda::blockSum(part, buf) / static_cast<double>(m);
      if (threadIdx.x == 0) {
        static_cast<T*>(p.saveMean)[ch] = static_cast<T>(mean);
        static_cast<T*>(p.saveVar)[ch] = static_cast<T>(var);
        T* rm = static_cast<T*>(p.runningMean);
        T* rv = static_cast<T*>(p.runningVar);
        rm[ch] = static_cast<T>(p.momentum * rm[ch] + (1 - p.momentum) * mean);
        rv[ch] = static_cast<T>(p.momentum * rv[ch] + (1 - p.momentum) * var * m / (m - 1));
      }
    } else {
      mean = static_cast<const T*>(p.runningMean)[ch];
      var = static_cast<const T*>(p.runningVar)[ch];
    }
    const double scale = (gamma ? static_cast<double>(gamma[ch]) : 1.0) / sqrt(var + p.eps);
    const double shift = beta ? static_cast<double>(beta[ch]) : 0.0;
    for (int64_t k = threadIdx.x; k < m; k += blockDim.x) {
      const int64_t o = offsetOf(k, ch, p.c, p.s);
      y[o] = static_cast<T>((x[o] - mean) * scale + shift);
    }
    __syncthreads();  // thread 0's running-stat writes stay inside this channel's iteration
  }
}

template <typename T>
__global__ void backwardKernel(BatchNormBackwardParams p) {
  __shared__ double buf[cuda::kSumThreads];
  const T* x = static_cast<const T*>(p.x);
  const T* dy = static_cast<const T*>(p.dy);
  const T* gamma = static_cast<const T*>(p.gamma);
  T* dx = static_cast<T*>(p.dx);
  const int64_t m = p.n * p.s;
  for (int64_t ch = blockIdx.x; ch < p.c; ch += gridDim.x) {
    const double mean = static_cast<const T*>(p.mean)[ch];
    const double inv = 1.0 / sqrt(static_cast<double>(static_cast<const T*>(p.var)[ch]) + p.eps);
    double a = 0, b = 0;
    for (int64_t k = threadIdx.x; k < m; k += blockDim.x) {
      const int64_t o = offsetOf(k, ch, p.c, p.s);
      a += dy[o];
      b += dy[o] * (x[o] - mean) * inv;
    }
    const double sumDy = cuda::blockSum(a, buf);
    const double sumDyXhat = cuda::blockSum(b, buf);
    if (threadIdx.x == 0) {
      if (p.dgamma) static_cast<T*>(p.dgamma)[ch] = static_cast<T>(sumDyXhat);
      if (p.dbeta) static_cast<T*>(p.dbeta)[ch] = static_cast<T>(sumDy);
    }
    if (dx) {
      const double g = (gamma ? static_cast<double>(gamma[ch]) : 1.0) * inv;
      const double md = static_cast<double>(m);
      for (int64_t k = threadIdx.x; k < m; k += blockDim.x) {
        const int64_t o = offsetOf(k, ch, p.c, p.s);
        dx[o] = static_cast<T>(p.globalStats ? g * dy[o] : g * (dy[o] - sumDy / md - (x[o] - mean) * inv * sumDyXhat / md));
      }
    }
  }
}

unsigned channelBlocks(int64_t c) { return static_cast<unsigned>(c < geom::kMaxBlocks ? c : geom::kMaxBlocks); }

}  // namespace

void batchNormCuda(const BatchNormParams& p) {
  const cuda::Target t = cuda::target(p.y, "batchNorm");
  if (p.c == 0) return;
  const int threads = geom::reduceThreads(p.n * p.s);
  BS_DISPATCH_FLOAT(p.dtype, T, { forwardKernel<T><<<channelBlocks(p.c), threads, 0, t.stream>>>(p); });
  cuda::checkLaunch("batchNorm");
}

void batchNormBackwardCuda(const BatchNormBackwardParams& p) {
  const cuda::Target t = cuda::target(p.dy, "batchNormBackward");
  if (p.c == 0) return;
  const int threads = geom::reduceThreads(p.n * p.s);
  BS_DISPATCH_FLOAT(p.dtype, T, { backwardKernel<T><<<channelBlocks(p.c), threads, 0, t.stream>>>(p); });
  cuda::checkLaunch("batchNormBackward");
}

}  // namespace bs
