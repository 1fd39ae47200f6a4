// The layout steps of a GPU plan (gpu_plan.h), with the numbers the CPU net plan reads
// (net_plan_shape.cc):
//
//   transpose:  the permutation             one strided copy (cuda/gpu_plan_seq.cu) that reads the
//   slice:      axis, begin, end            input through permuted strides or from an offset
//   concat:     axis                        one strided copy per input into its part of the output
//   axisReduce: axis, mode (0 mean, 1 last) a mean kernel, or a strided copy of the last entry
//   pad:        value, mode, k, pairs       pad_cuda.cu's kernel (eager mode's)
//   pointwise:  mode, a, b | alpha          Clip or PReLU: one instruction of a fused kernel
//
// Each copy, mean or pad is a step of its own writing its output's buffer (never its input's);
// Clip and PReLU join the pending fused kernel like an activation.
#include "errors.h"
#include "gpu_plan_build.h"

namespace bs {

namespace {

std::vector<int64_t> plainStrides(const std::vector<int64_t>& d) {
  std::vector<int64_t> s(d.size(), 1);
  for (size_t i = d.size() - 1; i-- > 0;) s[i] = s[i + 1] * d[i + 1];
  return s;
}

// A strided copy over `dims` (at most kGpuSeqRank axes).
GpuPlan::Step copyStep(size_t j, const std::vector<int64_t>& dims, const std::vector<int64_t>& src, int64_t srcOff, const std::vector<int64_t>& dst,
                       int64_t dstOff) {
  if (dims.size() > static_cast<size_t>(kGpuSeqRank) || dims.empty()) fail(code::kArgs, "gpuPlan: op %zu: a copy of %zu axes", j, dims.size());
  GpuPlan::Step s;
  s.kind = 5;
  s.q.op = kSeqCopy;
  s.q.n = gpuPlanCount(dims);
  s.q.rank = static_cast<int>(dims.size());
  for (size_t i = 0; i < dims.size(); i++) {
    s.q.dims[i] = dims[i];
    s.q.srcStrides[i] = src[i];
    s.q.dstStrides[i] = dst[i];
  }
  s.q.srcOff = srcOff;
  s.q.dstOff = dstOff;
  return s;
}

int64_t whole(const NetOp& op, size_t i, size_t j) { return static_cast<int64_t>(gpuPlanNum(op, i, j)); }

}  // namespace

void GpuPlanBuilder::transpose(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  const size_t r = xd.size();
  if (op.p.size() != r) fail(code::kArgs, "gpuPlan: op %zu: transpose needs a permutation of %zu axes", j, r);
  const std::vector<int64_t> stride = plainStrides(xd);
  std::vector<int64_t> yd(r), view(r);
  std::vector<bool> seen(r, false);
  for (size_t i = 0; i < r; i++) {
    const auto a = static_cast<size_t>(op.p[i]);
    if (a >= r || seen[a]) fail(code::kArgs, "gpuPlan: op %zu: transpose axes are not a permutation", j);
    seen[a] = true;
    yd[i] = xd[a];
    view[i] = stride[a];
  }
  P.dims_.push_back(yd);
  rowStep(copyStep(j, yd, view, 0, plainStrides(yd), 0), v, x, 0);
}

void GpuPlanBuilder::slice(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  if (op.p.size() != 3) fail(code::kArgs, "gpuPlan: op %zu: slice takes axis, begin and end", j);
  const int64_t axis = whole(op, 0, j), begin = whole(op, 1, j), end = whole(op, 2, j);
  if (axis < 0 || axis >= static_cast<int64_t>(xd.size()) || begin < 0 || end <= begin || end > xd[axis])
    fail(code::kArgs, "gpuPlan: op %zu: slice [%lld, %lld) of axis %lld is out of range", j, static_cast<long long>(begin), static_cast<long long>(end),
         static_cast<long long>(axis));
  const std::vector<int64_t> strides = plainStrides(xd);
  std::vector<int64_t> yd = xd;
  yd[axis] = end - begin;
  P.dims_.push_back(yd);
  rowStep(copyStep(j, yd, strides, begin * strides[axis], plainStrides(yd), 0), v, x, 0);
}

void GpuPlanBuilder::concat(const NetOp& op, size_t j, int v) {
  if (op.in.size() < 2 || op.p.empty()) fail(code::kArgs, "gpuPlan: op %zu: concat takes an axis and two or more inputs", j);
  const int64_t axis = whole(op, 0, j);
  const std::vector<int64_t> d0 = P.dims_[op.in[0]];
  if (axis < 0 || axis >= static_cast<int64_t>(d0.size())) fail(code::kArgs, "gpuPlan: op %zu: concat axis %lld is out of range", j, static_cast<long long>(axis));
  std::vector<int64_t> yd = d0;
  yd[axis] = 0;
  for (int in : op.in) {
    const std::vector<int64_t>& d = P.dims_[in];
    for (size_t i = 0; i < d.size(); i++)
      if (d.size() != d0.size() || (static_cast<int64_t>(i) != axis && d[i] != d0[i])) fail(code::kArgs, "gpuPlan: op %zu: concat inputs differ off the axis", j);
    yd[axis] += d[axis];
  }
  P.dims_.push_back(yd);
  flush();  // the inputs in memory
  const Slot y = take(v);
  const std::vector<int64_t> ys = plainStrides(yd);
  int64_t at = 0;
  for (int in : op.in) {
    const std::vector<int64_t> d = P.dims_[in];
    Step s = copyStep(j, d, plainStrides(d), 0, ys, at * ys[axis]);
    s.a = slot_[in];
    s.dst = y;
    P.steps_.push_back(s);
    at += d[axis];
  }
  for (int in : op.in) read(in);
  assign(v, y);
}

void GpuPlanBuilder::axisReduce(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  const int64_t axis = op.p.empty() ? -1 : whole(op, 0, j);
  const bool last = op.p.size() > 1 && op.p[1] != 0;
  if (axis < 0 || axis >= static_cast<int64_t>(xd.size()) || xd.size() < 2)
    fail(code::kArgs, "gpuPlan: op %zu: axisReduce axis %lld is out of range", j, static_cast<long long>(axis));
  int64_t outer = 1, inner = 1;
  std::vector<int64_t> yd;
  for (int64_t i = 0; i < static_cast<int64_t>(xd.size()); i++) {
    if (i < axis) outer *= xd[i];
    if (i > axis) inner *= xd[i];
    if (i != axis) yd.push_back(xd[i]);
  }
  const int64_t steps = xd[axis];
  if (steps < 1) fail(code::kArgs, "gpuPlan: op %zu: axisReduce over an empty axis", j);
  P.dims_.push_back(yd);
  if (last) return rowStep(copyStep(j, {outer, inner}, {steps * inner, 1}, (steps - 1) * inner, {inner, 1}, 0), v, x, 0);
  Step s;
  s.kind = 5;
  s.q.op = kSeqMean;
  s.q.n = outer * inner;
  s.q.inner = inner;
  s.q.steps = steps;
  rowStep(s, v, x, 0);
}

void GpuPlanBuilder::pad(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  const int k = op.p.size() > 2 ? static_cast<int>(op.p[2]) : 0;
  if (k < 1 || k > 3 || static_cast<size_t>(k) >= xd.size() || op.p.size() != 3 + 2 * static_cast<size_t>(k))
    fail(code::kArgs, "gpuPlan: op %zu: pad takes value, mode, k and a (before, after) pair for each of the last 1 to 3 axes", j);
  Step s;
  s.kind = 6;
  PadParams& pp = s.pad;
  pp.dtype = DType::F32;
  pp.k = k;
  pp.mode = static_cast<int>(op.p[1]);
  pp.value = op.p[0];
  if (pp.mode < 0 || pp.mode >= kNumPadModes) fail(code::kArgs, "gpuPlan: op %zu: pad mode %d", j, pp.mode);
  pp.outer = 1;
  const size_t lead = xd.size() - static_cast<size_t>(k);
  for (size_t i = 0; i < lead; i++) pp.outer *= xd[i];
  std::vector<int64_t> yd = xd;
  for (int a = 0; a < k; a++) {
    pp.in[a] = xd[lead + a];
    pp.before[a] = static_cast<int64_t>(op.p[3 + 2 * a]);
    pp.after[a] = static_cast<int64_t>(op.p[4 + 2 * a]);
    if (pp.before[a] < 0 || pp.after[a] < 0) fail(code::kArgs, "gpuPlan: op %zu: negative padding", j);
    if (pp.mode == kPadReflect && (pp.before[a] >= pp.in[a] || pp.after[a] >= pp.in[a]))
      fail(code::kArgs, "gpuPlan: op %zu: reflect padding needs pads below the size", j);
    yd[lead + a] += pp.before[a] + pp.after[a];
  }
  P.dims_.push_back(yd);
  rowStep(s, v, x, 0);
}

void GpuPlanBuilder::pointwise(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  if (op.p.size() != 3) fail(code::kArgs, "gpuPlan: op %zu: pointwise takes mode, a and b", j);
  GpuEwInstr i;
  if (op.p[0] != 0) {  // Clip
    i.op = kEwClip;
    i.alpha = static_cast<float>(op.p[1]);
    i.beta = static_cast<float>(op.p[2]);
    return elementwise(v, x, i);
  }
  const int64_t c = whole(op, 1, j), total = gpuPlanCount(xd);
  if (xd.size() < 2 || (c != 1 && c != xd[1])) fail(code::kArgs, "gpuPlan: op %zu: PReLU alpha has %lld elements", j, static_cast<long long>(c));
  i.op = kEwPrelu;
  i.other = param(op, j, 0, c, "PReLU alpha");
  if (!i.other) fail(code::kArgs, "gpuPlan: op %zu: PReLU needs its alpha", j);
  i.cols = c;
  i.inner = c == 1 || total == 0 ? 1 : total / (xd[0] * xd[1]);
  elementwise(v, x, i);
}

}  // namespace bs
