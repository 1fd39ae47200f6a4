// The fused gate kernel of a GPU plan's recurrent layers (gpu_plan.h GpuRnnStep, built by
// gpu_plan_rnn.cc): one time step of one direction, one thread per (batch row, hidden unit),
// after the step's GEMM h_{t-1} · W_hhᵀ. The float operations are eager mode's composed cell
// (engine/nn/layers/recurrent-run.ts), in its order, each rounded as its own kernel rounds it:
// the bias pass (gh + b_hh), binary_cuda.cu's add / multiply, and unary_cuda.cu's sigmoid, tanh
// and relu (unary_dev::fwd); __fadd_rn / __fmul_rn keep nvcc from contracting a product and a sum
// into one multiply-add that eager mode's separate kernels never do.
#include "../gpu_plan.h"
#include "../ops/rnn.h"  // RnnMode
#include "../ops/unary.h"
#include "../ops/unary_math.cuh"
#include "launch.cuh"

namespace bs {

namespace {

__device__ inline float act(int op, float v) { return unary_dev::fwd<float>(op, v, 0.f); }

__global__ void rnnGateKernel(GpuRnnStep s) {
  const int64_t h = s.hidden;
  BS_GRID_LOOP(i, s.n * h) {
    const int64_t b = i / h, j = i % h;
    const int gates = s.mode == kRnnLstm ? 4 : s.mode == kRnnGru ? 3 : 1;
    const float* xi = s.xi + b * s.xiStride + j;
    // gh + b_hh as linear_cuda.cu's bias pass; the zero state's product is 0 + b_hh = b_hh.
    const auto hh = [&](int g) {
      const float bias = s.bhh ? s.bhh[g * h + j] : 0.f;
      return s.gh ? (s.bhh ? __fadd_rn(s.gh[b * gates * h + g * h + j], bias) : s.gh[b * gates * h + g * h + j]) : bias;
    };
    const float prev = s.hp ? s.hp[i] : 0.f;
    float out;
    if (s.mode == kRnnLstm) {
      const float i_ = act(kSigmoid, __fadd_rn(xi[0], hh(0)));
      const float f = act(kSigmoid, __fadd_rn(xi[h], hh(1)));
      const float u = act(kTanh, __fadd_rn(xi[2 * h], hh(2)));
      const float o = act(kSigmoid, __fadd_rn(xi[3 * h], hh(3)));
      const float cprev = s.cp ? s.cp[i] : 0.f;
      const float c = __fadd_rn(__fmul_rn(f, cprev), __fmul_rn(i_, u));  // f·c + i·u
      s.c[i] = c;
      out = __fmul_rn(o, act(kTanh, c));
    } else if (s.mode == kRnnGru) {
      const float r = act(kSigmoid, __fadd_rn(xi[0], hh(0)));
      const float z = act(kSigmoid, __fadd_rn(xi[h], hh(1)));
      const float m = act(kTanh, __fadd_rn(xi[2 * h], __fmul_rn(r, hh(2))));
      out = __fadd_rn(__fadd_rn(m, -__fmul_rn(z, m)), __fmul_rn(z, prev));  // (n − z·n) + z·h
    } else {
      out = act(s.mode == kRnnTanh ? kTanh : kRelu, __fadd_rn(xi[0], hh(0)));
    }
    s.h[i] = out;
    s.y[b * s.yStride + j] = out;
  }
}

}  // namespace

void gpuPlanRnn(const GpuRnnStep& s) {
  if (s.n * s.hidden == 0) return;
  const cuda::Target t = cuda::target(s.base, "gpuPlan rnn");
  rnnGateKernel<<<cuda::gridFor(s.n * s.hidden), geom::kThreads, 0, t.stream>>>(s);
  cuda::checkLaunch("gpuPlan rnn");
}

}  // namespace bs
