// The convolutional steps of a GPU plan (gpu_plan.h): convolution, transposed convolution, pooling and batch norm in
// prediction mode, each a fused kernel (gpu_plan_build.h) whose later elementwise steps run as
// its epilogue.
//
// Convolution. Numbers and buffers as the CPU net plan reads them (net_plan_conv.cc):
// p = o, kh, kw, sh, sw, ph, pw, dh, dw, groups, act, eps, hasSum | bufs = w, bias, gamma, beta,
// mean, var; in = x[, the residual summed in before act]. The kernel is conv_cuda.cu's
// (ops/conv.h convForwardAt: one thread per output element, the bias first), then the residual
// add and the activation in registers: the float operations of eager mode's conv, add and
// activation kernels, in their order. With mean and var, a batch norm is folded in once, here
// (gpuPlanFold: w' = w · s, b' = (b − mean) · s + beta), into buffers the plan owns. (N, C, W)
// runs as (N, C, 1, W).
//
// Transposed convolution: p = o, kh, kw, sh, sw, ph, pw, dh, dw, groups, oph, opw, act | bufs = w
// (PyTorch's (C, O / groups, kh, kw)), bias (net_plan_deconv.cc). As eager mode (engine/ops/conv.ts),
// the data gradient of the convolution from O to C channels (ops/conv.h convBackwardDataAt), then
// bias and activation as its epilogue.
//
// Pooling: p = mode, kh, kw, sh, sw, ph, pw, oh, ow (pool.h's rules, as pool_cuda.cu).
// Batch norm: p = eps, act | bufs = gamma, beta, mean, var: a per-channel scale and shift folded
// once, applied as one instruction of the fused kernel (so it joins a convolution's epilogue or
// the activation after it).
#include "backend.h"
#include "errors.h"
#include "gpu_plan_build.h"

namespace bs {

namespace {

int64_t whole(const NetOp& op, size_t i, size_t j) { return static_cast<int64_t>(gpuPlanNum(op, i, j)); }

// The window of a convolution or pooling, p[1..6] of all three: kh, kw, sh, sw, ph, pw.
template <class Geom>
void readWindow(Geom& g, const NetOp& op, size_t j) {
  g.kh = whole(op, 1, j);
  g.kw = whole(op, 2, j);
  g.sh = whole(op, 3, j);
  g.sw = whole(op, 4, j);
  g.ph = whole(op, 5, j);
  g.pw = whole(op, 6, j);
}

// A (transposed) convolution's window, then its dilation and groups (p[7..9]).
void readConvWindow(ConvGeom& g, const NetOp& op, size_t j) {
  readWindow(g, op, j);
  g.dh = whole(op, 7, j);
  g.dw = whole(op, 8, j);
  g.groups = whole(op, 9, j);
}

}  // namespace

void GpuPlanBuilder::conv(const NetOp& op, size_t j, int v) {
  if (op.in.empty()) fail(code::kArgs, "gpuPlan: op %zu: conv needs an input", j);
  const int x = op.in[0];
  const std::vector<int64_t> xd = P.dims_[x];
  const bool oneD = xd.size() == 3;
  if (xd.size() != 4 && !oneD) fail(code::kArgs, "gpuPlan: op %zu: conv expects (N, C, H, W) or (N, C, W)", j);
  ConvGeom g{};
  g.n = xd[0];
  g.c = xd[1];
  g.h = oneD ? 1 : xd[2];
  g.w = oneD ? xd[2] : xd[3];
  g.o = whole(op, 0, j);
  readConvWindow(g, op, j);
  const int a = static_cast<int>(gpuPlanNum(op, 10, j));
  const double eps = gpuPlanNum(op, 11, j);
  const bool hasSum = gpuPlanNum(op, 12, j) != 0;
  if (g.o < 1 || g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1 || g.ph < 0 || g.pw < 0)
    fail(code::kArgs, "gpuPlan: op %zu: conv geometry out of range", j);
  if (g.groups < 1 || g.c % g.groups || g.o % g.groups)
    fail(code::kArgs, "gpuPlan: op %zu: conv groups %lld do not divide the channels", j, static_cast<long long>(g.groups));
  g.oh = (g.h + 2 * g.ph - (g.dh * (g.kh - 1) + 1)) / g.sh + 1;
  g.ow = (g.w + 2 * g.pw - (g.dw * (g.kw - 1) + 1)) / g.sw + 1;
  if (g.oh < 1 || g.ow < 1 || (oneD && g.oh != 1)) fail(code::kArgs, "gpuPlan: op %zu: conv leaves no output", j);

  const int64_t perOut = (g.c / g.groups) * g.kh * g.kw;
  const float* w = param(op, j, 0, g.o * perOut, "conv weight");
  if (!w) fail(code::kArgs, "gpuPlan: op %zu: conv needs a weight", j);
  const float* bias = param(op, j, 1, g.o, "conv bias");
  const float* gamma = param(op, j, 2, g.o, "gamma");
  const float* beta = param(op, j, 3, g.o, "beta");
  const float* mean = param(op, j, 4, g.o, "running mean");
  const float* var = param(op, j, 5, g.o, "running var");
  if (mean && var) {  // the batch norm folded in: the plan's own weights and bias
    GpuFold f;
    f.channels = g.o;
    f.perOut = perOut;
    f.w = w;
    f.bias = bias;
    f.gamma = gamma;
    f.beta = beta;
    f.mean = mean;
    f.var = var;
    f.eps = eps;
    f.wOut = own(g.o * perOut);
    f.bOut = own(g.o);
    gpuPlanFold(f);
    w = f.wOut;
    bias = f.bOut;
  }
  const std::vector<int64_t> yd = oneD ? std::vector<int64_t>{g.n, g.o, g.ow} : std::vector<int64_t>{g.n, g.o, g.oh, g.ow};
  P.dims_.push_back(yd);
  GpuEwStep e;
  e.source = kSrcConv;
  e.conv = g;
  e.w = w;
  e.bias = bias;
  startSource(e, x, v);
  if (hasSum) {
    if (op.in.size() < 2) fail(code::kArgs, "gpuPlan: op %zu: conv with a sum needs the residual input", j);
    const int r = op.in[1];
    if (P.dims_[r] != yd) fail(code::kArgs, "gpuPlan: op %zu: the residual's dims differ from the conv output's", j);
    GpuEwInstr add;
    add.op = kEwAdd;
    extend(v, {{add, slot_[r]}});
    read(r);
  }
  if (a >= 0) extend(v, {{act(a, 0), Slot{}}});
}

void GpuPlanBuilder::deconv(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  const bool oneD = xd.size() == 3;
  if (xd.size() != 4 && !oneD) fail(code::kArgs, "gpuPlan: op %zu: deconv expects (N, C, H, W) or (N, C, W)", j);
  const int64_t o = whole(op, 0, j), oph = whole(op, 10, j), opw = whole(op, 11, j);
  const int a = static_cast<int>(gpuPlanNum(op, 12, j));
  ConvGeom g{};  // the convolution whose data gradient this is: input (n, o, oh, ow), output (n, c, h, w)
  g.n = xd[0];
  g.o = xd[1];
  g.oh = oneD ? 1 : xd[2];
  g.ow = oneD ? xd[2] : xd[3];
  g.c = o;
  readConvWindow(g, op, j);
  if (o < 1 || g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1 || g.ph < 0 || g.pw < 0 || oph < 0 || opw < 0)
    fail(code::kArgs, "gpuPlan: op %zu: deconv geometry out of range", j);
  if (g.groups < 1 || g.c % g.groups || g.o % g.groups) fail(code::kArgs, "gpuPlan: op %zu: deconv groups do not divide the channels", j);
  g.h = (g.oh - 1) * g.sh - 2 * g.ph + g.dh * (g.kh - 1) + oph + 1;
  g.w = (g.ow - 1) * g.sw - 2 * g.pw + g.dw * (g.kw - 1) + opw + 1;
  if (g.h < 1 || g.w < 1 || (oneD && g.h != 1)) fail(code::kArgs, "gpuPlan: op %zu: deconv leaves no output", j);
  const float* w = param(op, j, 0, g.o * (g.c / g.groups) * g.kh * g.kw, "deconv weight");
  if (!w) fail(code::kArgs, "gpuPlan: op %zu: deconv needs a weight", j);
  const float* bias = param(op, j, 1, o, "deconv bias");
  P.dims_.push_back(oneD ? std::vector<int64_t>{g.n, o, g.w} : std::vector<int64_t>{g.n, o, g.h, g.w});
  GpuEwStep e;
  e.source = kSrcDeconv;
  e.conv = g;
  e.w = w;
  startSource(e, x, v);
  if (bias) {
    GpuEwInstr b;
    b.op = kEwBias;
    b.other = bias;
    b.cols = o;
    b.inner = g.h * g.w;
    extend(v, {{b, Slot{}}});
  }
  if (a >= 0) extend(v, {{act(a, 0), Slot{}}});
}

void GpuPlanBuilder::pool(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  const bool oneD = xd.size() == 3;
  if (xd.size() != 4 && !oneD) fail(code::kArgs, "gpuPlan: op %zu: pool expects (N, C, H, W) or (N, C, W)", j);
  PoolGeom g{};
  g.n = xd[0];
  g.c = xd[1];
  g.h = oneD ? 1 : xd[2];
  g.w = oneD ? xd[2] : xd[3];
  const int mode = static_cast<int>(gpuPlanNum(op, 0, j));
  readWindow(g, op, j);
  g.oh = whole(op, 7, j);
  g.ow = whole(op, 8, j);
  if (mode < 0 || mode >= kNumPoolModes) fail(code::kArgs, "gpuPlan: op %zu: pool mode %d", j, mode);
  if (g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 || g.ph < 0 || g.pw < 0 || g.oh < 1 || g.ow < 1 || (oneD && g.oh != 1))
    fail(code::kArgs, "gpuPlan: op %zu: pool geometry out of range", j);
  P.dims_.push_back(oneD ? std::vector<int64_t>{g.n, g.c, g.ow} : std::vector<int64_t>{g.n, g.c, g.oh, g.ow});
  GpuEwStep e;
  e.source = kSrcPool;
  e.pool = g;
  e.mode = mode;
  startSource(e, x, v);
}

void GpuPlanBuilder::batchNorm(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  if (xd.size() < 2) fail(code::kArgs, "gpuPlan: op %zu: batch norm expects (N, C, ...)", j);
  const double eps = gpuPlanNum(op, 0, j);
  const int a = static_cast<int>(gpuPlanNum(op, 1, j));
  const int64_t c = xd[1];
  GpuFold f;
  f.channels = c;
  f.gamma = param(op, j, 0, c, "gamma");
  f.beta = param(op, j, 1, c, "beta");
  f.mean = param(op, j, 2, c, "running mean");
  f.var = param(op, j, 3, c, "running var");
  if (!f.mean || !f.var) fail(code::kArgs, "gpuPlan: op %zu: batch norm needs the running statistics", j);
  f.eps = eps;
  f.wOut = own(c);
  f.bOut = own(c);
  gpuPlanFold(f);
  P.dims_.push_back(xd);
  GpuEwInstr s;
  s.op = kEwScale;
  s.other = f.wOut;
  s.shift = f.bOut;
  s.cols = c;
  const int64_t rows = xd[0] * c;
  s.inner = rows > 0 && gpuPlanCount(xd) > 0 ? gpuPlanCount(xd) / rows : 1;
  if (!fusable(x)) start(x);
  read(x);
  if (a >= 0)
    extend(v, {{s, Slot{}}, {act(a, 0), Slot{}}});
  else
    extend(v, {{s, Slot{}}});
}

}  // namespace bs
