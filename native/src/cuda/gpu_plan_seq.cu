// The sequence models' kernels of a GPU plan (gpu_plan.h GpuSeqStep, built by gpu_plan_seq.cc and
// gpu_plan_shape.cc): the embedding gather, attention's scores and mixing (the softmax between
// them is softmax_cuda.cu's, a step of its own), RMS norm, the mean over an axis, and one strided
// copy for transpose, slice, concat and the last entry of an axis. One thread per output element
// (RMS norm: per row), each a gather over its inputs (no atomics), queued on the device's one
// stream like every plan launch.
#include "../gpu_plan.h"
#include "launch.cuh"

namespace bs {

namespace {

__device__ inline float gatherAt(const GpuSeqStep& s, int64_t i) {
  const int64_t r = i / s.width, c = i % s.width;
  // Float ids are truncated, as eager mode's astype('int32'); an id outside the table reads as zeros (take_cuda.cu).
  const int64_t id = s.ints ? static_cast<int64_t>(reinterpret_cast<const int32_t*>(s.x)[r]) : static_cast<int64_t>(truncf(s.x[r]));
  return id >= 0 && id < s.vocab ? s.w[id * s.width + c] : 0.f;
}

// attention-core.ts attend(): q·kᵀ, times 1/√d, + the causal mask (key j > query i + (S − L)), + the padding bias.
__device__ inline float scoreAt(const GpuSeqStep& s, int64_t i) {
  const int64_t j = i % s.keys, r = (i / s.keys) % s.rows, h = (i / (s.keys * s.rows)) % s.heads, b = i / (s.keys * s.rows * s.heads);
  const float* q = s.x + s.qh.off + b * s.qh.batchStride + r * s.qh.rowStride + h * s.width;
  const float* k = s.k + s.kh.off + b * s.kh.batchStride + j * s.kh.rowStride + h * s.width;
  float acc = 0.f;
  for (int64_t c = 0; c < s.width; c++) acc += q[c] * k[c];
  float v = acc * s.scale;
  if (s.causal && j > r + (s.keys - s.rows)) v += -1e9f;
  if (s.mask && s.mask[b * s.keys + j] != 0.f) v += -1e9f;
  return v;
}

__device__ inline float mixAt(const GpuSeqStep& s, int64_t i) {
  const int64_t c = i % s.width, h = (i / s.width) % s.heads, r = (i / (s.width * s.heads)) % s.rows, b = i / (s.width * s.heads * s.rows);
  const float* p = s.x + ((b * s.heads + h) * s.rows + r) * s.keys;
  const float* v = s.k + s.kh.off + b * s.kh.batchStride + h * s.width + c;
  float acc = 0.f;
  for (int64_t j = 0; j < s.keys; j++) acc += p[j] * v[j * s.kh.rowStride];
  return acc;
}

__device__ inline float meanAt(const GpuSeqStep& s, int64_t i) {
  const int64_t o = i / s.inner, in = i % s.inner;
  const float* src = s.x + o * s.steps * s.inner + in;
  float acc = 0.f;
  for (int64_t k = 0; k < s.steps; k++) acc += src[k * s.inner];
  return acc / static_cast<float>(s.steps);
}

__global__ void seqKernel(GpuSeqStep s) {
  BS_GRID_LOOP(i, s.n) {
    switch (s.op) {
      case kSeqGather: s.y[i] = gatherAt(s, i); break;
      case kSeqScores: s.y[i] = scoreAt(s, i); break;
      case kSeqMix: s.y[i] = mixAt(s, i); break;
      case kSeqMean: s.y[i] = meanAt(s, i); break;
      case kSeqRms: {  // row i, the CPU net plan's arithmetic (net_plan_seq.cc)
        const float* x = s.x + i * s.inner;
        float* y = s.y + i * s.inner;
        double sq = 0;
        for (int64_t j = 0; j < s.inner; j++) sq += static_cast<double>(x[j]) * x[j];
        const double inv = 1.0 / sqrt(sq / static_cast<double>(s.inner) + s.eps);
        for (int64_t j = 0; j < s.inner; j++) y[j] = static_cast<float>(x[j] * inv * (s.w ? s.w[j] : 1.0));
        break;
      }
      default: {  // kSeqCopy
        int64_t rest = i, src = s.srcOff, dst = s.dstOff;
        for (int d = s.rank - 1; d >= 0; d--) {
          const int64_t at = rest % s.dims[d];
          rest /= s.dims[d];
          src += at * s.srcStrides[d];
          dst += at * s.dstStrides[d];
        }
        s.y[dst] = s.x[src];
        break;
      }
    }
  }
}

}  // namespace

void gpuPlanSeq(const GpuSeqStep& s) {
  if (s.n == 0) return;
  const cuda::Target t = cuda::target(s.y, "gpuPlan");
  seqKernel<<<cuda::gridFor(s.n), geom::kThreads, 0, t.stream>>>(s);
  cuda::checkLaunch("gpuPlan");
}

}  // namespace bs
