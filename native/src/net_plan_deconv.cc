// The transposed convolution step of a compiled graph forward (net_plan.h): oneDNN's
// deconvolution, weights packed once into its preferred layout from PyTorch's (I, O/groups, kh, kw),
// bias and activation fused; (N, C, W) runs as 2-d of height 1 on the plain (N, C, 1, W) view.
//
// Numbers (p): o, kh, kw, sh, sw, ph, pw, dh, dw, groups, oph, opw, act | w, bias
// (output size (in − 1)·s − 2p + d·(k − 1) + op + 1, as PyTorch; op ≤ p: the right padding is p − op).
#include <cstring>
#include <vector>

#include "buffer.h"
#include "dnnl_common.h"
#include "net_plan.h"
#include "ops/fused_activation.h"

namespace bs {

void buildDeconv(NetBuild& b, const NetOp& op) {
  using dt = dnnl::memory::data_type;
  using tag = dnnl::memory::format_tag;
  using dims = dnnl::memory::dims;
  if (op.in.empty() || op.p.size() != 13) fail(code::kArgs, "netPlan: deconv takes an input and 13 numbers");
  const dims xd = b.values.at(op.in[0]).dims;
  const bool oneD = xd.size() == 3;
  if (xd.size() != 4 && !oneD) fail(code::kArgs, "netPlan: deconv expects (N, C, H, W) or (N, C, W)");
  auto num = [&](size_t i) { return static_cast<int64_t>(op.p[i]); };
  const int64_t n = xd[0], c = xd[1], h = oneD ? 1 : xd[2], w = oneD ? xd[2] : xd[3];
  const int64_t o = num(0), kh = num(1), kw = num(2), sh = num(3), sw = num(4), ph = num(5), pw = num(6), dh = num(7), dw = num(8),
                groups = num(9), oph = num(10), opw = num(11);
  const int act = static_cast<int>(num(12));
  if (groups < 1 || c % groups || o % groups) fail(code::kArgs, "netPlan: deconv groups do not divide the channels");
  if (oph > ph || opw > pw) fail(code::kArgs, "netPlan: deconv output padding beyond the padding");
  const int64_t oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1, ow = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
  if (oh < 1 || ow < 1) fail(code::kArgs, "netPlan: deconv leaves no output");
  dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
  const bool fuse = act >= 0 && fusedAlgorithm(act, &alg);
  if (act >= 0 && !fuse) fail(code::kArgs, "netPlan: deconv activation %d is not fusable", act);
  const float* w0 = op.bufs.size() > 0 && op.bufs[0] ? static_cast<const float*>(op.bufs[0]->data) : nullptr;
  const float* b0 = op.bufs.size() > 1 && op.bufs[1] ? static_cast<const float*>(op.bufs[1]->data) : nullptr;
  const int64_t wElems = c * (o / groups) * kh * kw;
  if (!w0 || op.bufs[0]->bytes < static_cast<size_t>(wElems) * sizeof(float)) fail(code::kArgs, "netPlan: deconv needs its weight");
  if (b0 && op.bufs[1]->bytes < static_cast<size_t>(o) * sizeof(float)) fail(code::kArgs, "netPlan: deconv bias too small");

  const tag act4 = oneD ? tag::nchw : tag::any;
  const dims wDims = groups > 1 ? dims{groups, o / groups, c / groups, kh, kw} : dims{o, c, kh, kw};
  dnnl::memory::desc src({n, c, h, w}, dt::f32, act4), wei(wDims, dt::f32, tag::any), bias({o}, dt::f32, tag::x),
      dst({n, o, oh, ow}, dt::f32, act4);
  dnnl::post_ops ops;
  if (fuse) ops.append_eltwise(1.f, alg, 0.f, 0.f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  const int t = threadsFor(static_cast<double>(n) * c * h * w * (o / groups) * kh * kw);
  ThreadScope scope(t);
  dnnl::deconvolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, src, wei, bias, dst,
                                      {sh, sw}, {dh - 1, dw - 1}, {ph, pw}, {ph - oph, pw - opw});
  dnnl::deconvolution_forward::primitive_desc pd(d, attr, dnnlEngine());
  // PyTorch's (I, O/groups, kh, kw) is oneDNN's iohw (giohw with groups): one reorder packs it.
  dnnl::memory wPlain(dnnl::memory::desc(wDims, dt::f32, groups > 1 ? tag::giohw : tag::iohw), dnnlEngine(), const_cast<float*>(w0));
  dnnl::memory wPacked = b.alloc(pd.weights_desc());
  dnnl::reorder(wPlain, wPacked).execute(dnnlStream(), wPlain, wPacked);
  dnnlStream().wait();
  dnnl::memory bMem = b.alloc(bias);
  if (b0)
    std::memcpy(bMem.get_data_handle(), b0, static_cast<size_t>(o) * sizeof(float));
  else
    std::memset(bMem.get_data_handle(), 0, static_cast<size_t>(o) * sizeof(float));
  const dims yd = oneD ? dims{n, o, ow} : dims{n, o, oh, ow};
  dnnl::memory x = oneD ? b.plain(op.in[0]) : b.as(op.in[0], pd.src_desc());
  dnnl::memory y = oneD ? b.activation(plainDesc(yd)) : b.activation(pd.dst_desc());
  dnnl::memory x4 = oneD ? dnnl::memory(pd.src_desc(), dnnlEngine(), DNNL_MEMORY_NONE) : x;
  dnnl::memory y4 = oneD ? dnnl::memory(pd.dst_desc(), dnnlEngine(), y.get_data_handle()) : y;
  dnnl::deconvolution_forward deconv(pd);
  b.actions.push_back([deconv, x, x4, wPacked, bMem, y4, t]() mutable {
    ThreadScope s(t);
    if (x4.get_data_handle() != x.get_data_handle()) x4.set_data_handle(x.get_data_handle());
    deconv.execute(dnnlStream(), {{DNNL_ARG_SRC, x4}, {DNNL_ARG_WEIGHTS, wPacked}, {DNNL_ARG_BIAS, bMem}, {DNNL_ARG_DST, y4}});
  });
  b.add(yd, y);
}

}  // namespace bs
