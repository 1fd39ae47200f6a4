// The row steps of a GPU plan (gpu_plan.h): layer norm, group norm and softmax, each a step of its
// own running eager mode's kernel (layer_norm_cuda.cu: one block per row, sums in double;
// softmax_cuda.cu) on the plan's buffers, so the plan equals eager mode exactly, and RMS norm (a
// kernel of cuda/gpu_plan_seq.cu with the CPU net plan's arithmetic: eager mode composes it of
// elementwise and reduction ops). They read whole rows, so their output never shares the input's
// buffer; an activation after them starts a new fused kernel.
//
// Layer norm: p = eps, inner, rms | bufs = gamma, beta ([inner] or null); x viewed as
// [outer, inner]; rms = 1: x / √(mean(x²) + eps) · gamma. The rows' mean and variance the kernel
// writes go to a pooled scratch buffer no one reads.
// Group norm: p = eps, groups (0: one per channel, InstanceNorm) | bufs = gamma, beta ([C] or
// null); x (N, C, ...): the layer norm kernel over each (sample, group), then gamma and beta per
// channel as the first instruction of a fused kernel (which later elementwise steps join).
// Softmax: p = axis, log; x viewed as [outer, dims[axis], inner].
#include "errors.h"
#include "gpu_plan_build.h"

namespace bs {

void GpuPlanBuilder::rowStep(Step s, int v, int x, int64_t scratchBytes) {
  flush();  // x in memory, and every freed buffer's last reader queued before this step
  s.a = slot_[x];
  s.dst = take(v);  // before x is released: never x's buffer
  if (scratchBytes > 0) {
    s.scratch = alloc(scratchBytes);
    hold(s.scratch);
    unhold(s.scratch);  // back to the pool for later steps (the stream runs them after this one)
  }
  P.steps_.push_back(s);
  read(x);
  assign(v, s.dst);
}

void GpuPlanBuilder::layerNorm(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  const double eps = gpuPlanNum(op, 0, j);
  const int64_t inner = static_cast<int64_t>(gpuPlanNum(op, 1, j));
  const bool rms = op.p.size() > 2 && op.p[2] != 0;
  const int64_t total = gpuPlanCount(xd);
  if (inner < 1 || total % inner)
    fail(code::kArgs, "gpuPlan: op %zu: layer norm over %lld elements does not divide the input", j, static_cast<long long>(inner));
  P.dims_.push_back(xd);
  Step s;
  if (rms) {
    s.kind = 5;
    s.q.op = kSeqRms;
    s.q.w = param(op, j, 0, inner, "gamma");
    s.q.n = total / inner;
    s.q.inner = inner;
    s.q.eps = eps;
    return rowStep(s, v, x, 0);
  }
  s.kind = 3;
  s.ln.dtype = DType::F32;
  s.ln.gamma = param(op, j, 0, inner, "gamma");
  s.ln.beta = param(op, j, 1, inner, "beta");
  s.ln.outer = total / inner;
  s.ln.inner = inner;
  s.ln.eps = eps;
  rowStep(s, v, x, 2 * s.ln.outer * static_cast<int64_t>(sizeof(float)));
}

void GpuPlanBuilder::groupNorm(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  if (xd.size() < 3) fail(code::kArgs, "gpuPlan: op %zu: group norm expects (N, C, ...)", j);
  const double eps = gpuPlanNum(op, 0, j);
  const int64_t c = xd[1], g = static_cast<int64_t>(gpuPlanNum(op, 1, j)), groups = g > 0 ? g : c, total = gpuPlanCount(xd);
  if (c < 1 || c % groups) fail(code::kArgs, "gpuPlan: op %zu: %lld groups do not divide %lld channels", j, static_cast<long long>(groups), static_cast<long long>(c));
  const int64_t rows = xd[0] * groups;
  if (rows < 1 || total < 1) fail(code::kArgs, "gpuPlan: op %zu: group norm of an empty input", j);
  const float* gamma = param(op, j, 0, c, "gamma");
  const float* beta = param(op, j, 1, c, "beta");
  P.dims_.push_back(xd);
  Step s;
  s.kind = 3;
  s.ln.dtype = DType::F32;
  s.ln.outer = rows;
  s.ln.inner = total / rows;
  s.ln.eps = eps;
  const int64_t scratch = 2 * rows * static_cast<int64_t>(sizeof(float));
  if (!gamma && !beta) return rowStep(s, v, x, scratch);
  flush();
  s.a = slot_[x];
  s.dst = alloc(total * static_cast<int64_t>(sizeof(float)));  // read only by the fused kernel below
  s.scratch = alloc(scratch);
  hold(s.scratch);
  unhold(s.scratch);
  P.steps_.push_back(s);
  read(x);
  chain_ = Step{};
  chain_.kind = 1;
  chain_.a = s.dst;
  chain_.e.n = total;
  pending_ = true;
  chainValue_ = v;
  hold(s.dst);
  unhold(s.dst);  // the kernel reads each element at its own index: its output may share the buffer
  GpuEwInstr a;
  a.op = kEwScale;
  a.other = gamma;
  a.shift = beta;
  a.cols = c;
  a.inner = total / (xd[0] * c);
  chain_.e.ins[chain_.e.count++] = a;
}

void GpuPlanBuilder::softmax(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  const int64_t axis = static_cast<int64_t>(gpuPlanNum(op, 0, j));
  if (axis < 0 || axis >= static_cast<int64_t>(xd.size()))
    fail(code::kArgs, "gpuPlan: op %zu: softmax axis %lld is out of range", j, static_cast<long long>(axis));
  P.dims_.push_back(xd);
  Step s;
  s.kind = 4;
  s.sm.dtype = DType::F32;
  s.sm.outer = 1;
  s.sm.inner = 1;
  for (int64_t k = 0; k < axis; k++) s.sm.outer *= xd[k];
  for (size_t k = static_cast<size_t>(axis) + 1; k < xd.size(); k++) s.sm.inner *= xd[k];
  s.sm.axisLen = xd[axis];
  s.sm.log = op.p.size() > 1 && op.p[1] != 0;
  rowStep(s, v, x, 0);
}

}  // namespace bs
