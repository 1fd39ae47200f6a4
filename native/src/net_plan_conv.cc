// The convolution step of a compiled graph forward (net_plan.h): oneDNN's direct convolution with
// a batch norm in prediction mode folded into its weights and bias, the residual sum and the
// activation as post-ops, weights packed once into the layout oneDNN picks (format_tag::any) — or,
// for the 3×3 stride-1 shapes where it is faster, Winograd F(2×2, 3×3) (net_plan_winograd.cc).
//
// Numbers (p): o, kh, kw, sh, sw, ph, pw, dh, dw, groups, act, eps, hasSum | w, bias, gamma, beta, mean, var
// (in: x[, the residual summed into the output before act]; gamma..var: a batch norm folded in,
// mean and var null = none; gamma / beta null = 1 / 0). (N, C, W) runs as 2-d of height 1 on the
// plain (N, C, 1, W) view. act must be one oneDNN fuses (relu, sigmoid, tanh, gelu).
//
// Threads, per run: on a quiet machine the step is one primitive whose OpenMP team has
// threadsFor(work) threads. While other processes keep some cores busy, a team waits at every
// barrier for the member whose core is shared (a scheduler slice, milliseconds, per step: a
// ResNet forward stalled 3-8×), so the step runs instead
//  - as chunks of images (batch > 1, threading.h chunkRowsFor), each a one-thread primitive on the
//    same packed weights and layouts (the batch is the outermost dim of every layout oneDNN picks,
//    so a chunk is a contiguous run of the value), taken by our pool's threads as they come: a
//    thread that gets no CPU takes none and is not waited for;
//  - or whole on the threads free now (batch 1).
// In a plan with Winograd steps (which always run on our pool), the direct steps run as image
// chunks on a quiet machine too (NetBuild::onPool): one set of threads through the whole plan.
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "buffer.h"
#include "dnnl_common.h"
#include "net_plan.h"
#include "ops/fused_activation.h"
#include "parallel.h"

namespace bs {

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using dims = dnnl::memory::dims;

// What one convolution needs to make its primitives: the descs of the quiet primitive (layouts
// fixed: every primitive of the step reads the same packed weights and writes the same layout).
struct ConvShape {
  dnnl::memory::desc src, wei, bias, dst;
  dims strides, dilation, padL, padR;
  dnnl::primitive_attr attr;

  // userScratch: for chunks that run on several threads at once (dnnl_common.h threadScratchpad).
  dnnl::convolution_forward::primitive_desc pd(const dnnl::memory::desc& s, const dnnl::memory::desc& d, bool userScratch = false) const {
    dnnl::convolution_forward::desc cd(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, s, wei, bias, d, strides,
                                       dilation, padL, padR);
    dnnl::primitive_attr a = attr;
    if (userScratch) a.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    return dnnl::convolution_forward::primitive_desc(cd, a, dnnlEngine());
  }
};

// The one-thread primitives of a chunked run: `rows` images, and the remainder.
struct ConvChunks {
  int64_t rows = 0, chunks = 0;
  size_t scratchFull = 0, scratchLast = 0;
  dnnl::convolution_forward full, last;
  dnnl::memory::desc fullSrc, fullDst, lastSrc, lastDst;
};

}  // namespace

void buildConv(NetBuild& b, const NetOp& op) {
  if (op.in.empty()) fail(code::kArgs, "netPlan: conv needs an input");
  auto num = [&](size_t i) {
    if (i >= op.p.size()) fail(code::kArgs, "netPlan: conv needs 13 numbers (%zu given)", op.p.size());
    return static_cast<int64_t>(op.p[i]);
  };
  auto buf = [&](size_t i, int64_t elems, const char* what) -> const float* {
    if (i >= op.bufs.size() || !op.bufs[i]) return nullptr;
    if (op.bufs[i]->bytes < static_cast<size_t>(elems) * sizeof(float))
      fail(code::kArgs, "netPlan: %s holds %zu bytes, needs %lld floats", what, op.bufs[i]->bytes, static_cast<long long>(elems));
    return static_cast<const float*>(op.bufs[i]->data);
  };
  const dims xd = b.values.at(op.in[0]).dims;
  // (N, C, W): a 1-d convolution, run as 2-d on the plain (N, C, 1, W) view (kh = 1).
  const bool oneD = xd.size() == 3;
  if (xd.size() != 4 && !oneD) fail(code::kArgs, "netPlan: conv expects (N, C, H, W) or (N, C, W)");
  const int64_t n = xd[0], c = xd[1], h = oneD ? 1 : xd[2], w = oneD ? xd[2] : xd[3];
  const int64_t o = num(0), kh = num(1), kw = num(2), sh = num(3), sw = num(4), ph = num(5), pw = num(6), dh = num(7), dw = num(8),
                groups = num(9);
  const int act = static_cast<int>(num(10));
  const double eps = op.p.at(11);
  const bool hasSum = num(12) != 0;
  if (groups < 1 || c % groups || o % groups) fail(code::kArgs, "netPlan: conv groups %lld do not divide the channels", static_cast<long long>(groups));
  const int64_t oh = (h + 2 * ph - (dh * (kh - 1) + 1)) / sh + 1, ow = (w + 2 * pw - (dw * (kw - 1) + 1)) / sw + 1;
  if (oh < 1 || ow < 1) fail(code::kArgs, "netPlan: conv leaves no output");
  dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
  if (act >= 0 && !fusedAlgorithm(act, &alg)) fail(code::kArgs, "netPlan: conv activation %d is not fusable", act);

  // Weights and bias, with a batch norm in prediction mode folded in: y = (conv(x) + b - mean) · s + beta, s = gamma / √(var + eps).
  const int64_t perOut = (c / groups) * kh * kw;
  const float* w0 = buf(0, o * perOut, "conv weight");
  if (!w0) fail(code::kArgs, "netPlan: conv needs a weight");
  const float* b0 = buf(1, o, "conv bias");
  const float* gamma = buf(2, o, "gamma");
  const float* beta = buf(3, o, "beta");
  const float* mean = buf(4, o, "running mean");
  const float* var = buf(5, o, "running var");
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
  if (buildWinogradConv(b, op, ConvGeometry{n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups, act, hasSum, oneD}, wv, bv)) return;

  const dims wDims = groups > 1 ? dims{groups, o / groups, c / groups, kh, kw} : dims{o, c, kh, kw};
  const tag act4 = oneD ? tag::nchw : tag::any;
  ConvShape shape;
  shape.strides = {sh, sw};
  shape.dilation = {dh - 1, dw - 1};
  shape.padL = {ph, pw};
  shape.padR = {ph, pw};
  shape.bias = dnnl::memory::desc({o}, dt::f32, tag::x);
  dnnl::post_ops ops;
  if (hasSum) ops.append_sum(1.f);
  if (act >= 0) ops.append_eltwise(1.f, alg, 0.f, 0.f);
  shape.attr.set_post_ops(ops);
  const double work = static_cast<double>(n) * o * oh * ow * (c / groups) * kh * kw;
  dnnl::convolution_forward::primitive_desc pd;
  {
    // oneDNN picks the layouts for the quiet thread count (the whole budget when the work asks).
    ThreadScope scope(threadsFor(work));
    shape.wei = dnnl::memory::desc(wDims, dt::f32, tag::any);
    dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                      dnnl::memory::desc({n, c, h, w}, dt::f32, act4), shape.wei, shape.bias,
                                      dnnl::memory::desc({n, o, oh, ow}, dt::f32, act4), shape.strides, shape.dilation, shape.padL,
                                      shape.padR);
    pd = dnnl::convolution_forward::primitive_desc(d, shape.attr, dnnlEngine());
  }
  shape.src = pd.src_desc();
  shape.wei = pd.weights_desc();
  shape.dst = pd.dst_desc();

  dnnl::memory wPlain(dnnl::memory::desc(wDims, dt::f32, groups > 1 ? tag::goihw : tag::oihw), dnnlEngine(), wv.data());
  dnnl::memory wPacked = b.alloc(shape.wei);  // for the plan's lifetime
  dnnl::reorder(wPlain, wPacked).execute(dnnlStream(), wPlain, wPacked);
  dnnlStream().wait();
  dnnl::memory bMem = b.alloc(shape.bias);
  std::memcpy(bMem.get_data_handle(), bv.data(), bv.size() * sizeof(float));

  const dims yd = oneD ? dims{n, o, ow} : dims{n, o, oh, ow};
  dnnl::memory x = oneD ? b.plain(op.in[0]) : b.as(op.in[0], shape.src);
  // A residual read by nothing after this step, in the output's layout, becomes the output: the
  // sum post-op adds the convolution to it where it lies (no copy, one buffer less).
  const bool sumInPlace = hasSum && !oneD && op.in.size() > 1 && op.in[1] != op.in[0] &&
                          b.values.at(op.in[1]).dims == yd && b.values[op.in[1]].mem.get_desc() == shape.dst && b.takeOver(op.in[1]);
  dnnl::memory y = sumInPlace ? b.values[op.in[1]].mem : oneD ? b.activation(plainDesc(yd)) : b.activation(shape.dst);
  // The residual goes into the output first; the sum post-op adds the convolution to it. In the
  // output's layout (the usual case: the residual came from a convolution too) a chunk copies its
  // own images; otherwise a reorder copies the whole before the step.
  dnnl::memory residual;
  std::function<void()> copyResidual;
  if (hasSum) {
    if (op.in.size() < 2) fail(code::kArgs, "netPlan: conv with a sum needs the residual input");
    if (b.values.at(op.in[1]).dims != yd) fail(code::kArgs, "netPlan: the residual's dims differ from the conv output's");
    residual = oneD ? b.plain(op.in[1]) : b.values[op.in[1]].mem;
    if (!sumInPlace) copyResidual = reorderAction(residual, y);
  }
  const bool residualInPlace = hasSum && !sumInPlace && residual.get_desc() == y.get_desc();

  PerThreads<dnnl::convolution_forward> whole([shape] { return dnnl::convolution_forward(shape.pd(shape.src, shape.dst)); });
  whole.get(threadsFor(work));  // made now: the quiet run's primitive
  // Chunked runs, one per chunk size chunkRowsFor answers (it depends on the budget only); none
  // when the batch is not the layouts' outermost dim or a chunk would get only a reference kernel.
  const bool chunkable = n > 1 && !batchRows(shape.src, 1).is_zero() && !batchRows(shape.dst, 1).is_zero() && !isRefImpl(pd);
  auto chunked = std::make_shared<std::map<int64_t, std::shared_ptr<ConvChunks>>>();
  auto chunksOf = [shape, n, chunked](int64_t rows) -> std::shared_ptr<ConvChunks> {
    auto found = chunked->find(rows);
    if (found != chunked->end()) return found->second;
    ThreadScope one(1);
    auto cc = std::make_shared<ConvChunks>();
    cc->rows = rows;
    cc->chunks = (n + rows - 1) / rows;
    const int64_t rest = n - (cc->chunks - 1) * rows;
    cc->fullSrc = batchRows(shape.src, rows);
    cc->fullDst = batchRows(shape.dst, rows);
    cc->lastSrc = batchRows(shape.src, rest);
    cc->lastDst = batchRows(shape.dst, rest);
    auto full = shape.pd(cc->fullSrc, cc->fullDst, true), last = shape.pd(cc->lastSrc, cc->lastDst, true);
    if (isRefImpl(full) || isRefImpl(last)) cc = nullptr;  // slower than the whole step on one thread
    else {
      cc->full = dnnl::convolution_forward(full);
      cc->last = dnnl::convolution_forward(last);
      cc->scratchFull = full.scratchpad_desc().get_size();
      cc->scratchLast = last.scratchpad_desc().get_size();
    }
    (*chunked)[rows] = cc;
    return cc;
  };
  const size_t srcImage = chunkable ? static_cast<size_t>(shape.src.data.format_desc.blocking.strides[0]) * sizeof(float) : 0;
  const size_t dstImage = chunkable ? static_cast<size_t>(shape.dst.data.format_desc.blocking.strides[0]) * sizeof(float) : 0;
  dnnl::memory x4 = oneD ? dnnl::memory(shape.src, dnnlEngine(), DNNL_MEMORY_NONE) : x;
  dnnl::memory y4 = oneD ? dnnl::memory(shape.dst, dnnlEngine(), y.get_data_handle()) : y;
  // Images per chunk when the plan's other steps run on our pool (NetBuild::onPool) on a quiet
  // machine: two chunks per thread. Measured on the ResNet example at batch 16 (its Winograd steps
  // on the pool, interleaved in one process, 2 threads): 8.22 and 7.47 ms median against 9.03 and
  // 8.36 with the direct steps on OpenMP teams, CPU per call 15.7 against 17.5 ms; with no
  // Winograd step, chunks gained nothing (13.1 / 11.4 against 13.2 / 10.9 ms), nor on LeNet.
  const int64_t poolRows = chunkable && n >= 2 ? std::max<int64_t>(1, (n + 2 * threadBudget() - 1) / (2 * threadBudget())) : 0;
  std::shared_ptr<bool> onPool = b.onPool;
  b.actions.push_back([=]() mutable {
    if (x4.get_data_handle() != x.get_data_handle()) x4.set_data_handle(x.get_data_handle());  // 1-d: the view of x
    int64_t rows = chunkable ? chunkRowsFor(n, work, policy::kImageChunkMin) : 0;
    if (rows == 0 && poolRows > 0 && *onPool && threadBudget() > 1 && !spareCoresTaken()) rows = poolRows;
    std::shared_ptr<ConvChunks> cc = rows > 0 ? chunksOf(rows) : nullptr;
    if (copyResidual && !(cc && residualInPlace)) copyResidual();
    if (!cc) {
      const int t = threadsFor(work);
      ThreadScope s(t);
      whole.get(t).execute(dnnlStream(), {{DNNL_ARG_SRC, x4}, {DNNL_ARG_WEIGHTS, wPacked}, {DNNL_ARG_BIAS, bMem}, {DNNL_ARG_DST, y4}});
      return;
    }
    char* xs = static_cast<char*>(x4.get_data_handle());
    char* ys = static_cast<char*>(y4.get_data_handle());
    const char* rs = residualInPlace ? static_cast<const char*>(residual.get_data_handle()) : nullptr;
    parallelChunks(cc->chunks, threadBudget(), [&](int64_t k) {
      ThreadScope one(1);
      const bool isLast = k + 1 == cc->chunks;
      const int64_t r0 = k * cc->rows, count = isLast ? n - r0 : cc->rows;
      if (rs) std::memcpy(ys + r0 * dstImage, rs + r0 * dstImage, count * dstImage);
      dnnl::memory xc(isLast ? cc->lastSrc : cc->fullSrc, dnnlEngine(), xs + r0 * srcImage);
      dnnl::memory yc(isLast ? cc->lastDst : cc->fullDst, dnnlEngine(), ys + r0 * dstImage);
      std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, xc}, {DNNL_ARG_WEIGHTS, wPacked}, {DNNL_ARG_BIAS, bMem}, {DNNL_ARG_DST, yc}};
      if (const size_t bytes = isLast ? cc->scratchLast : cc->scratchFull) args.emplace(DNNL_ARG_SCRATCHPAD, threadScratchpad(bytes));
      (isLast ? cc->last : cc->full).execute(dnnlStream(), args);
    });
  });
  b.add(yd, y);
}

}  // namespace bs
