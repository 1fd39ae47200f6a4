// The launches of a GPU plan (gpu_plan.h): the GEMM of matmul_cuda.cu, the layer norm, softmax and
// pad of layer_norm_cuda.cu, softmax_cuda.cu and pad_cuda.cu, one fused kernel per run of
// elementwise steps (a Dense's bias and activation, batch norms, Activation blocks, adds and
// products, clips, PReLUs), started by a load, a convolution, a transposed convolution or a pooling, device-to-device copies, and the fold
// of a batch norm at build time; all queued on the device's one stream, none waits for the GPU
// (the read of an output does, as for every op).
#include "../gpu_plan.h"
#include "../ops/unary_math.cuh"
#include "launch.cuh"

namespace bs {

namespace {

// The same float operations, in the same order, as the eager kernels: linear_cuda.cu's bias pass
// (out += bias), unary_cuda.cu's activation (unary_dev::fwd) and binary_cuda.cu's add / multiply;
// the value stays in a register between them instead of going through memory.
__device__ inline float epilogue(const GpuEwStep& s, float v, int64_t i) {
  for (int k = 0; k < s.count; k++) {
    const GpuEwInstr& in = s.ins[k];
    switch (in.op) {
      case kEwBias: v = v + in.other[(i / in.inner) % in.cols]; break;
      case kEwAct: v = unary_dev::fwd<float>(in.act, v, in.alpha); break;
      case kEwAdd: v = v + in.other[i]; break;
      case kEwMul: v = v * in.other[i]; break;
      case kEwClip: v = fminf(fmaxf(v, in.alpha), in.beta); break;
      case kEwPrelu: {
        const float a = in.other[(i / in.inner) % in.cols];
        v = v < 0.f ? a * v : v;
        break;
      }
      default: {
        const int64_t c = (i / in.inner) % in.cols;
        v = v * (in.other ? in.other[c] : 1.f) + (in.shift ? in.shift[c] : 0.f);
        break;
      }
    }
  }
  return v;
}

__global__ void fusedElementwiseKernel(GpuEwStep s) {
  BS_GRID_LOOP(i, s.n) s.dst[i] = epilogue(s, s.src[i], i);
}

// conv_cuda.cu's forward (ops/conv.h), then the epilogue.
__global__ void fusedConvKernel(GpuEwStep s) {
  BS_GRID_LOOP(i, s.n) s.dst[i] = epilogue(s, convForwardAt<float>(s.conv, s.src, s.w, s.bias, i), i);
}

// pool_cuda.cu's forward (ops/pool.h), then the epilogue.
__global__ void fusedPoolKernel(GpuEwStep s) {
  BS_GRID_LOOP(i, s.n) s.dst[i] = epilogue(s, poolForwardAt<float>(s.pool, s.mode, s.src, i), i);
}

// A transposed convolution: conv_cuda.cu's data gradient (ops/conv.h), then the epilogue.
__global__ void fusedDeconvKernel(GpuEwStep s) {
  BS_GRID_LOOP(i, s.n) s.dst[i] = epilogue(s, convBackwardDataAt<float>(s.conv, s.w, s.src, i), i);
}

// One thread per weight (perOut > 0) or per channel; the channel's first also writes its bias.
__global__ void foldKernel(GpuFold f, int64_t n) {
  BS_GRID_LOOP(i, n) {
    const int64_t per = f.perOut > 0 ? f.perOut : 1, k = i / per;
    const double s = (f.gamma ? f.gamma[k] : 1.0) / sqrt(static_cast<double>(f.var[k]) + f.eps);
    const double beta = f.beta ? f.beta[k] : 0.0;
    if (f.perOut > 0) {
      f.wOut[i] = static_cast<float>(f.w[i] * s);
      if (i % per == 0) f.bOut[k] = static_cast<float>(((f.bias ? f.bias[k] : 0.0) - f.mean[k]) * s + beta);
    } else {
      f.wOut[k] = static_cast<float>(s);
      f.bOut[k] = static_cast<float>(beta - f.mean[k] * s);
    }
  }
}

}  // namespace

void gpuPlanGemm(const MatmulParams& p) { matmulCuda(p); }
void gpuPlanLayerNorm(const LayerNormParams& p) { layerNormCuda(p); }
void gpuPlanSoftmax(const SoftmaxParams& p) { softmaxCuda(p); }
void gpuPlanPad(const PadParams& p) { padCuda(p); }

void gpuPlanElementwise(const GpuEwStep& s) {
  if (s.n == 0) return;
  const cuda::Target t = cuda::target(s.dst, "gpuPlan");
  if (s.source == kSrcConv)
    fusedConvKernel<<<cuda::gridFor(s.n), geom::kThreads, 0, t.stream>>>(s);
  else if (s.source == kSrcDeconv)
    fusedDeconvKernel<<<cuda::gridFor(s.n), geom::kThreads, 0, t.stream>>>(s);
  else if (s.source == kSrcPool)
    fusedPoolKernel<<<cuda::gridFor(s.n), geom::kThreads, 0, t.stream>>>(s);
  else
    fusedElementwiseKernel<<<cuda::gridFor(s.n), geom::kThreads, 0, t.stream>>>(s);
  cuda::checkLaunch("gpuPlan");
}

void gpuPlanCopy(void* dst, const void* src, size_t bytes) {
  if (bytes == 0) return;
  const cuda::Target t = cuda::target(dst, "gpuPlan");
  cuda::check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, t.stream), "gpuPlan");
}

void gpuPlanFold(const GpuFold& f) {
  const int64_t n = f.channels * (f.perOut > 0 ? f.perOut : 1);
  if (n == 0) return;
  const cuda::Target t = cuda::target(f.wOut, "gpuPlan fold");
  foldKernel<<<cuda::gridFor(n), geom::kThreads, 0, t.stream>>>(f, n);
  cuda::checkLaunch("gpuPlan fold");
}

}  // namespace bs
