// The launches of a GPU plan (gpu_plan.h): the GEMM of matmul_cuda.cu, one fused elementwise
// kernel per run of elementwise steps (a Dense's bias and activation, Activation blocks, adds and
// products), and device-to-device copies, all queued on the device's one stream; none waits for
// the GPU (the read of an output does, as for every op).
#include "../gpu_plan.h"
#include "../ops/unary_math.cuh"
#include "launch.cuh"

namespace bs {

namespace {

// The same float operations, in the same order, as the eager kernels: linear_cuda.cu's bias pass
// (out += bias), unary_cuda.cu's activation (unary_dev::fwd) and binary_cuda.cu's add / multiply;
// the value stays in a register between them instead of going through memory.
__global__ void fusedElementwiseKernel(GpuEwStep s) {
  BS_GRID_LOOP(i, s.n) {
    float v = s.src[i];
    for (int k = 0; k < s.count; k++) {
      const GpuEwInstr& in = s.ins[k];
      switch (in.op) {
        case kEwBias: v = v + in.other[i % in.cols]; break;
        case kEwAct: v = unary_dev::fwd<float>(in.act, v, in.alpha); break;
        case kEwAdd: v = v + in.other[i]; break;
        default: v = v * in.other[i]; break;
      }
    }
    s.dst[i] = v;
  }
}

}  // namespace

void gpuPlanGemm(const MatmulParams& p) { matmulCuda(p); }

void gpuPlanElementwise(const GpuEwStep& s) {
  if (s.n == 0) return;
  const cuda::Target t = cuda::target(s.dst, "gpuPlan");
  fusedElementwiseKernel<<<cuda::gridFor(s.n), geom::kThreads, 0, t.stream>>>(s);
  cuda::checkLaunch("gpuPlan");
}

void gpuPlanCopy(void* dst, const void* src, size_t bytes) {
  if (bytes == 0) return;
  const cuda::Target t = cuda::target(dst, "gpuPlan");
  cuda::check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, t.stream), "gpuPlan");
}

}  // namespace bs
