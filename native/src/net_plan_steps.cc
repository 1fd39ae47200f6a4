// The steps of a compiled graph forward (net_plan.h), one builder per op kind. Each builder
// prepares its primitive (oneDNN picks the layouts: format_tag::any), packs what it reads from the
// parameters once, appends its run-time actions and adds the value it produces.
//
// Numbers (p) and buffers (bufs) per kind, in order:
//   conv:      o, kh, kw, sh, sw, ph, pw, dh, dw, groups, act, eps, hasSum | w, bias, gamma, beta, mean, var
//              (in: x[, the residual summed into the output before act]; gamma..var: a batch norm
//              folded in, prediction mode: mean and var null = none; gamma / beta null = 1 / 0)
//   pool:      mode (pool.h PoolMode), kh, kw, sh, sw, ph, pw, oh, ow
//   (conv and pool also take (N, C, W): 1-d, kh = 1, on the plain (N, C, 1, W) view)
//   batchNorm: eps, act | gamma, beta, mean, var
//   add:       act[, mul] (in: a, b, same dims; mul = 1: their product, Multiply)
//   act:       act[, alpha] (leakyRelu's slope, elu's alpha, silu's beta)
//   reshape:   the new dims (same element count)
//   linear:    outUnits, act, flatten | w, bias  (act fused where oneDNN has it: linear.h)
//   (layerNorm, groupNorm, embed, tableAdd, attention: net_plan_seq.cc; transpose, axisReduce, slice, concat,
//   softmax, pointwise, pad: net_plan_shape.cc; deconv: net_plan_deconv.cc)
// act is a UnaryOp code or -1. A conv's act must be one oneDNN fuses (relu, sigmoid, tanh, gelu).
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

void buildConv(NetBuild& b, const NetOp& op) {
  if (op.in.empty()) fail(code::kArgs, "netPlan: conv needs an input");
  const dims xd = b.values.at(op.in[0]).dims;
  // (N, C, W): a 1-d convolution, run as 2-d on the plain (N, C, 1, W) view (kh = 1).
  const bool oneD = xd.size() == 3;
  if (xd.size() != 4 && !oneD) fail(code::kArgs, "netPlan: conv expects (N, C, H, W) or (N, C, W)");
  const int64_t n = xd[0], c = xd[1], h = oneD ? 1 : xd[2], w = oneD ? xd[2] : xd[3];
  const int64_t o = num(op, 0), kh = num(op, 1), kw = num(op, 2), sh = num(op, 3), sw = num(op, 4), ph = num(op, 5),
                pw = num(op, 6), dh = num(op, 7), dw = num(op, 8), groups = num(op, 9);
  const int act = static_cast<int>(num(op, 10));
  const double eps = op.p.at(11);
  const bool hasSum = num(op, 12) != 0;
  if (groups < 1 || c % groups || o % groups) fail(code::kArgs, "netPlan: conv groups %lld do not divide the channels", static_cast<long long>(groups));
  const int64_t oh = (h + 2 * ph - (dh * (kh - 1) + 1)) / sh + 1, ow = (w + 2 * pw - (dw * (kw - 1) + 1)) / sw + 1;
  if (oh < 1 || ow < 1) fail(code::kArgs, "netPlan: conv leaves no output");
  dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
  if (act >= 0 && !fusedAlgorithm(act, &alg)) fail(code::kArgs, "netPlan: conv activation %d is not fusable", act);

  const dims wDims = groups > 1 ? dims{groups, o / groups, c / groups, kh, kw} : dims{o, c, kh, kw};
  const tag act4 = oneD ? tag::nchw : tag::any;
  dnnl::memory::desc src({n, c, h, w}, dt::f32, act4), wei(wDims, dt::f32, tag::any), bias({o}, dt::f32, tag::x),
      dst({n, o, oh, ow}, dt::f32, act4);
  const dims yd = oneD ? dims{n, o, ow} : dims{n, o, oh, ow};
  dnnl::post_ops ops;
  if (hasSum) ops.append_sum(1.f);
  if (act >= 0) ops.append_eltwise(1.f, alg, 0.f, 0.f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  const int t = threadsFor(static_cast<double>(n) * o * oh * ow * (c / groups) * kh * kw);
  ThreadScope scope(t);
  dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src, wei, bias, dst,
                                    {sh, sw}, {dh - 1, dw - 1}, {ph, pw}, {ph, pw});
  dnnl::convolution_forward::primitive_desc pd(d, attr, dnnlEngine());

  // Weights and bias, with a batch norm in prediction mode folded in: y = (conv(x) + b - mean) · s + beta, s = gamma / √(var + eps).
  const int64_t perOut = (c / groups) * kh * kw;
  const float* w0 = buf(op, 0, o * perOut, "conv weight");
  if (!w0) fail(code::kArgs, "netPlan: conv needs a weight");
  const float* b0 = buf(op, 1, o, "conv bias");
  const float* gamma = buf(op, 2, o, "gamma");
  const float* beta = buf(op, 3, o, "beta");
  const float* mean = buf(op, 4, o, "running mean");
  const float* var = buf(op, 5, o, "running var");
  std::vector<float> wv(w0, w0 + o * perOut), bv(o, 0.f);
  for (int64_t k = 0; k < o; k++) {
    double bias0 = b0 ? b0[k] : 0.0;
    if (mean && var) {
      const double s = (gamma ? gamma[k] : 1.0) / std::sqrt(static_cast<double>(var[k]) + eps);
      for (int64_t j = 0; j < perOut; j++) wv[k * perOut + j] = static_cast<float>(wv[k * perOut + j] * s);
      bias0 = (bias0 - mean[k]) * s + (beta ? beta[k] : 0.0);
    }
    bv[k] = static_cast<float>(bias0);
  }
  dnnl::memory wPlain(dnnl::memory::desc(wDims, dt::f32, groups > 1 ? tag::goihw : tag::oihw), dnnlEngine(), wv.data());
  dnnl::memory wPacked = b.alloc(pd.weights_desc());  // for the plan's lifetime
  dnnl::reorder(wPlain, wPacked).execute(dnnlStream(), wPlain, wPacked);
  dnnlStream().wait();
  dnnl::memory bMem = b.alloc(bias);
  std::memcpy(bMem.get_data_handle(), bv.data(), bv.size() * sizeof(float));

  dnnl::memory x = oneD ? b.plain(op.in[0]) : b.as(op.in[0], pd.src_desc());
  dnnl::memory y = oneD ? b.activation(plainDesc(yd)) : b.activation(pd.dst_desc());
  dnnl::memory x4 = oneD ? dnnl::memory(pd.src_desc(), dnnlEngine(), DNNL_MEMORY_NONE) : x;
  dnnl::memory y4 = oneD ? dnnl::memory(pd.dst_desc(), dnnlEngine(), y.get_data_handle()) : y;
  if (hasSum) {  // the residual goes into the output first; the post-op adds the convolution to it
    if (op.in.size() < 2) fail(code::kArgs, "netPlan: conv with a sum needs the residual input");
    const dims& rd = b.values.at(op.in[1]).dims;
    if (rd != yd) fail(code::kArgs, "netPlan: the residual's dims differ from the conv output's");
    dnnl::memory r = oneD ? b.plain(op.in[1]) : b.values[op.in[1]].mem;
    dnnl::reorder copy(r, y);
    b.actions.push_back([copy, r, y, t]() mutable {
      ThreadScope s(t);
      copy.execute(dnnlStream(), r, y);
    });
  }
  dnnl::convolution_forward conv(pd);
  b.actions.push_back([conv, x, x4, wPacked, bMem, y4, t]() mutable {
    ThreadScope s(t);
    if (x4.get_data_handle() != x.get_data_handle()) x4.set_data_handle(x.get_data_handle());  // 1-d: the view of x
    conv.execute(dnnlStream(), {{DNNL_ARG_SRC, x4}, {DNNL_ARG_WEIGHTS, wPacked}, {DNNL_ARG_BIAS, bMem}, {DNNL_ARG_DST, y4}});
  });
  b.add(yd, y);
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
  const int t = threadsFor(static_cast<double>(xd[0]) * xd[1] * oh * ow * kh * kw, kElemsPerThread);
  ThreadScope scope(t);
  dnnl::memory::desc dst({xd[0], xd[1], oh, ow}, dt::f32, oneD ? tag::nchw : tag::any);
  dnnl::pooling_forward::desc d(dnnl::prop_kind::forward_inference, alg, x4.get_desc(), dst, {sh, sw}, {kh, kw}, {ph, pw},
                                {padRight(xd[2], oh, kh, sh, ph), padRight(xd[3], ow, kw, sw, pw)});
  dnnl::pooling_forward::primitive_desc pd(d, dnnlEngine());
  const dims yd = oneD ? dims{xd[0], xd[1], ow} : dims{xd[0], xd[1], oh, ow};
  dnnl::memory y = oneD ? b.activation(plainDesc(yd)) : b.activation(pd.dst_desc());
  dnnl::memory y4 = oneD ? dnnl::memory(pd.dst_desc(), dnnlEngine(), y.get_data_handle()) : y;
  dnnl::pooling_forward pool(pd);
  b.actions.push_back([pool, x, x4, y4, t]() mutable {
    ThreadScope s(t);
    if (x4.get_data_handle() != x.get_data_handle()) x4.set_data_handle(x.get_data_handle());  // 1-d: the view of x
    pool.execute(dnnlStream(), {{DNNL_ARG_SRC, x4}, {DNNL_ARG_DST, y4}});
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
    default: fail(code::kArgs, "netPlan: unknown op kind %d", op.kind);
  }
}

}  // namespace bs
