// The steps of a compiled graph forward (net_plan.h), one builder per op kind. Each builder
// prepares its primitive (oneDNN picks the layouts: format_tag::any), packs what it reads from the
// parameters once, appends its run-time actions and adds the value it produces.
//
// Numbers (p) and buffers (bufs) per kind, in order (conv: net_plan_conv.cc):
//   pool:      mode (pool.h PoolMode), kh, kw, sh, sw, ph, pw, oh, ow
//   (pool also takes (N, C, W): 1-d, kh = 1, on the plain (N, C, 1, W) view)
//   batchNorm: eps, act | gamma, beta, mean, var
//   add:       act[, mul] (in: a, b, same dims; mul = 1: their product, Multiply)
//   act:       act[, alpha] (leakyRelu's slope, elu's alpha, silu's beta)
//   reshape:   the new dims (same element count)
//   linear:    outUnits, act, flatten | w, bias  (act fused where oneDNN has it: linear.h)
//   (layerNorm, groupNorm, embed, tableAdd, attention: net_plan_seq.cc; transpose, axisReduce, slice, concat,
//   softmax, pointwise, pad: net_plan_shape.cc; deconv: net_plan_deconv.cc; rnn, rnnState: net_plan_rnn.cc)
// act is a UnaryOp code or -1.
#include <cmath>
#include <cstring>
#include <vector>

#include "buffer.h"
#include "dnnl_common.h"
#include "net_plan.h"
#include "ops/linear.h"
#include "ops/pool.h"
#include "ops/unary.h"
#include "parallel.h"
#include "ops/fused_activation.h"

namespace bs {

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using dims = dnnl::memory::dims;

int64_t num(const NetOp& op, size_t i) {
  if (i >= op.p.size()) fail(code::kArgs, "netPlan: op kind %d needs more numbers (%zu given)", op.kind, op.p.size());
  return static_cast<int64_t>(op.p[i]);
}

const float* buf(const NetOp& op, size_t i, int64_t elems, const char* what) {
  if (i >= op.bufs.size() || !op.bufs[i]) return nullptr;
  if (op.bufs[i]->bytes < static_cast<size_t>(elems) * sizeof(float))
    fail(code::kArgs, "netPlan: %s holds %zu bytes, needs %lld floats", what, op.bufs[i]->bytes, static_cast<long long>(elems));
  return static_cast<const float*>(op.bufs[i]->data);
}

int64_t count(const dims& d) {
  int64_t n = 1;
  for (auto v : d) n *= v;
  return n;
}

// Whether act(0) == 0: only then may it run over a blocked layout's zero padding in place.
bool keepsZero(int act, double alpha = 0) {
  float zero = 0.f, y = 1.f;
  unaryCpu(UnaryParams{act, DType::F32, &zero, &y, 1, alpha});
  return y == 0.f;
}

// An elementwise action over a whole buffer (every element, padding included).
void applyAct(NetBuild& b, int act, dnnl::memory m) {
  if (act < 0) return;
  b.actions.push_back([act, m]() mutable {
    dnnlStream().wait();
    ThreadScope s(threadsFor(static_cast<double>(m.get_desc().get_size() / sizeof(float)), kElemsPerThread));
    unaryCpu(UnaryParams{act, DType::F32, m.get_data_handle(), m.get_data_handle(), static_cast<int64_t>(m.get_desc().get_size() / sizeof(float))});
  });
}

void buildPool(NetBuild& b, const NetOp& op) {
  const dims xd4 = b.values.at(op.in.at(0)).dims;
  // (N, C, W): 1-d pooling, run as 2-d on the plain (N, C, 1, W) view (kh = 1).
  const bool oneD = xd4.size() == 3;
  if (xd4.size() != 4 && !oneD) fail(code::kArgs, "netPlan: pool expects (N, C, H, W) or (N, C, W)");
  const dims xd = oneD ? dims{xd4[0], xd4[1], 1, xd4[2]} : xd4;
  const int mode = static_cast<int>(num(op, 0));
  const int64_t kh = num(op, 1), kw = num(op, 2), sh = num(op, 3), sw = num(op, 4), ph = num(op, 5), pw = num(op, 6),
                oh = num(op, 7), ow = num(op, 8);
  auto padRight = [](int64_t in, int64_t out, int64_t k, int64_t s, int64_t pl) {
    const int64_t need = (out - 1) * s + k - in - pl;
    return need > pl ? need : pl;
  };
  const auto alg = mode == kPoolMax ? dnnl::algorithm::pooling_max
                   : mode == kPoolAvgIncludePad ? dnnl::algorithm::pooling_avg_include_padding
                                                : dnnl::algorithm::pooling_avg_exclude_padding;
  dnnl::memory x = oneD ? b.plain(op.in[0]) : b.values[op.in[0]].mem;
  dnnl::memory x4 = oneD ? dnnl::memory(dnnl::memory::desc(xd, dt::f32, tag::nchw), dnnlEngine(), DNNL_MEMORY_NONE) : x;
  const double work = static_cast<double>(xd[0]) * xd[1] * oh * ow * kh * kw;
  const dnnl::memory::desc src = x4.get_desc();
  const dims strides{sh, sw}, kernel{kh, kw}, padL{ph, pw}, padR{padRight(xd[2], oh, kh, sh, ph), padRight(xd[3], ow, kw, sw, pw)};
  auto makePd = [=](const dnnl::memory::desc& dst) {
    dnnl::pooling_forward::desc d(dnnl::prop_kind::forward_inference, alg, src, dst, strides, kernel, padL, padR);
    return dnnl::pooling_forward::primitive_desc(d, dnnlEngine());
  };
  dnnl::memory::desc dst;
  {
    ThreadScope scope(threadsFor(work, kElemsPerThread));
    dst = makePd(dnnl::memory::desc({xd[0], xd[1], oh, ow}, dt::f32, oneD ? tag::nchw : tag::any)).dst_desc();
  }
  const dims yd = oneD ? dims{xd[0], xd[1], ow} : dims{xd[0], xd[1], oh, ow};
  dnnl::memory y = oneD ? b.activation(plainDesc(yd)) : b.activation(dst);
  dnnl::memory y4 = oneD ? dnnl::memory(dst, dnnlEngine(), y.get_data_handle()) : y;
  // One primitive per thread count (net_plan.h PerThreads): the threads free at each run.
  PerThreads<dnnl::pooling_forward> pool([makePd, dst] { return dnnl::pooling_forward(makePd(dst)); });
  pool.get(threadsFor(work, kElemsPerThread));
  b.actions.push_back([pool, x, x4, y4, work]() mutable {
    const int t = threadsFor(work, kElemsPerThread);
    ThreadScope s(t);
    if (x4.get_data_handle() != x.get_data_handle()) x4.set_data_handle(x.get_data_handle());  // 1-d: the view of x
    pool.get(t).execute(dnnlStream(), {{DNNL_ARG_SRC, x4}, {DNNL_ARG_DST, y4}});
  });
  b.add(yd, y);
}

void buildBatchNorm(NetBuild& b, const NetOp& op) {
  const dims xd = b.values.at(op.in.at(0)).dims;
  if (xd.size() < 2) fail(code::kArgs, "netPlan: batch norm expects (N, C, ...)");
  const double eps = op.p.at(0);
  const int act = static_cast<int>(num(op, 1));
  const int64_t c = xd[1], inner = count(xd) / (xd[0] * c), outer = xd[0];
  const float* gamma = buf(op, 0, c, "gamma");
  const float* beta = buf(op, 1, c, "beta");
  const float* mean = buf(op, 2, c, "running mean");
  const float* var = buf(op, 3, c, "running var");
  if (!mean || !var) fail(code::kArgs, "netPlan: batch norm needs the running statistics");
  std::vector<float> scale(c), shift(c);
  for (int64_t k = 0; k < c; k++) {
    const double s = (gamma ? gamma[k] : 1.0) / std::sqrt(static_cast<double>(var[k]) + eps);
    scale[k] = static_cast<float>(s);
    shift[k] = static_cast<float>((beta ? beta[k] : 0.0) - mean[k] * s);
  }
  dnnl::memory x = b.plain(op.in[0]);
  dnnl::memory y = b.activation(plainDesc(xd));
  b.actions.push_back([x, y, scale, shift, outer, c, inner]() mutable {
    dnnlStream().wait();
    const float* xs = static_cast<const float*>(x.get_data_handle());
    float* ys = static_cast<float*>(y.get_data_handle());
    ThreadScope s(threadsFor(static_cast<double>(outer * c * inner), kElemsPerThread));
    parallelFor(outer * c, outer * c * inner >= kParallelMin, [&](int64_t r) {
      const float s = scale[r % c], t = shift[r % c];
      for (int64_t i = 0; i < inner; i++) ys[r * inner + i] = xs[r * inner + i] * s + t;
    });
  });
  applyAct(b, act, y);
  b.add(xd, y);
}

void buildAdd(NetBuild& b, const NetOp& op) {
  if (op.in.size() != 2) fail(code::kArgs, "netPlan: add takes two inputs");
  const dims& ad = b.values.at(op.in[0]).dims;
  if (b.values.at(op.in[1]).dims != ad) fail(code::kArgs, "netPlan: add needs equal dims");
  const int act = static_cast<int>(num(op, 0));
  const bool mul = op.p.size() > 1 && op.p[1] != 0;
  // Blocked layouts keep zero padding: an activation that maps 0 elsewhere runs on the plain layout.
  const dnnl::memory::desc md = act >= 0 && !keepsZero(act) ? plainDesc(ad) : b.values[op.in[0]].mem.get_desc();
  dnnl::memory a = b.as(op.in[0], md), c = b.as(op.in[1], md);
  dnnl::memory y = b.activation(md);
  b.actions.push_back([a, c, y, mul]() mutable {
    dnnlStream().wait();
    const float* xs = static_cast<const float*>(a.get_data_handle());
    const float* zs = static_cast<const float*>(c.get_data_handle());
    float* ys = static_cast<float*>(y.get_data_handle());
    const int64_t n = static_cast<int64_t>(y.get_desc().get_size() / sizeof(float));
    ThreadScope s(threadsFor(static_cast<double>(n), kElemsPerThread));
    if (mul)
      parallelFor(n, n >= kParallelMin, [&](int64_t i) { ys[i] = xs[i] * zs[i]; });
    else
      parallelFor(n, n >= kParallelMin, [&](int64_t i) { ys[i] = xs[i] + zs[i]; });
  });
  applyAct(b, act, y);
  b.add(ad, y);
}

void buildAct(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const int act = static_cast<int>(num(op, 0));
  const double alpha = op.p.size() > 1 ? op.p[1] : 0.0;
  if (act < 0 || act >= kNumUnaryOps) fail(code::kArgs, "netPlan: bad activation %d", act);
  const dnnl::memory::desc md = keepsZero(act, alpha) ? b.values.at(v).mem.get_desc() : plainDesc(b.values.at(v).dims);
  dnnl::memory x = b.as(v, md);
  dnnl::memory y = b.activation(md);
  b.actions.push_back([act, alpha, x, y]() mutable {
    dnnlStream().wait();
    ThreadScope s(threadsFor(static_cast<double>(y.get_desc().get_size() / sizeof(float)), kElemsPerThread));
    unaryCpu(UnaryParams{act, DType::F32, x.get_data_handle(), y.get_data_handle(), static_cast<int64_t>(y.get_desc().get_size() / sizeof(float)), alpha});
  });
  b.add(b.values[v].dims, y);
}

// The new value shares the plain buffer of the input (its handle is copied at run time: an input's changes per run).
void buildReshape(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  dims nd;
  for (double d : op.p) nd.push_back(static_cast<int64_t>(d));
  if (count(nd) != count(b.values.at(v).dims)) fail(code::kArgs, "netPlan: reshape changes the element count");
  dnnl::memory x = b.plain(v);
  dnnl::memory y(plainDesc(nd), dnnlEngine(), DNNL_MEMORY_NONE);
  b.actions.push_back([x, y]() mutable { y.set_data_handle(x.get_data_handle()); });
  b.add(nd, y);
}

// The engine's own linear (linear_cpu.cc: the eager kernel, so results equal eager mode's).
void buildLinear(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const dims xd = b.values.at(v).dims;
  const int64_t outUnits = num(op, 0);
  const int act = static_cast<int>(num(op, 1));
  const bool flatten = num(op, 2) != 0;
  const size_t lead = flatten ? 1 : xd.size() - 1;
  int64_t rows = 1, inUnits = 1;
  for (size_t i = 0; i < xd.size(); i++) (i < lead ? rows : inUnits) *= xd[i];
  const float* w = buf(op, 0, outUnits * inUnits, "linear weight");
  if (!w) fail(code::kArgs, "netPlan: linear needs a weight");
  const float* bias = buf(op, 1, outUnits, "linear bias");
  dims yd(xd.begin(), xd.begin() + static_cast<long>(lead));
  yd.push_back(outUnits);
  dnnl::memory x = b.plain(v);
  dnnl::memory y = b.activation(plainDesc(yd));
  b.actions.push_back([x, y, w, bias, rows, inUnits, outUnits, act]() mutable {
    dnnlStream().wait();
    linearCpu(LinearParams{DType::F32, x.get_data_handle(), w, bias, y.get_data_handle(), rows, inUnits, outUnits, act});
  });
  b.add(yd, y);
}

}  // namespace

void buildNetOp(NetBuild& b, const NetOp& op) {
  switch (op.kind) {
    case kNetConv: return buildConv(b, op);
    case kNetPool: return buildPool(b, op);
    case kNetBatchNorm: return buildBatchNorm(b, op);
    case kNetAdd: return buildAdd(b, op);
    case kNetAct: return buildAct(b, op);
    case kNetReshape: return buildReshape(b, op);
    case kNetLinear: return buildLinear(b, op);
    case kNetLayerNorm: return buildLayerNorm(b, op);
    case kNetEmbed: return buildEmbed(b, op);
    case kNetTableAdd: return buildTableAdd(b, op);
    case kNetAttention: return buildAttention(b, op);
    case kNetTranspose: return buildTranspose(b, op);
    case kNetAxisReduce: return buildAxisReduce(b, op);
    case kNetSlice: return buildSlice(b, op);
    case kNetConcat: return buildConcat(b, op);
    case kNetSoftmax: return buildSoftmax(b, op);
    case kNetGroupNorm: return buildGroupNorm(b, op);
    case kNetPointwise: return buildPointwise(b, op);
    case kNetPad: return buildPad(b, op);
    case kNetDeconv: return buildDeconv(b, op);
    case kNetRnn: return buildRnn(b, op);
    case kNetRnnState: return buildRnnState(b, op);
    default: fail(code::kArgs, "netPlan: unknown op kind %d", op.kind);
  }
}

}  // namespace bs
