// The layout steps of a compiled graph forward (net_plan.h) that sequence models use between
// their layers: a transpose and a slice (one oneDNN reorder each, that reads the input through
// permuted strides or from an offset), the reduction of one axis (SequenceMean: the mean over
// it; SequenceLast: its last entry), concatenation (oneDNN concat), softmax over an axis, and
// the pointwise layers with numbers or a parameter of their own (PReLU, Clip), and padding.
//
// Numbers (p) per kind, in order:
//   transpose:  the permutation (output axis i is input axis p[i])
//   axisReduce: axis, mode (0: mean, 1: last)  (the axis is dropped from the output)
//   slice:      axis, begin, end  (0 <= begin < end <= the axis' size)
//   concat:     axis  (in: two or more values that agree on every other axis)
//   softmax:    axis, log (1: log-softmax)
//   pad:        value, mode (ops/pad.h PadMode), k, then (before, after) for each of the last k
//               (1 to 3) axes  (the eager kernel, pad_cpu.cc)
//   pointwise:  mode, a, b | alpha  (mode 0: PReLU, x < 0 ? alpha·x : x, alpha of a = 1 or C
//               elements, one per channel (axis 1); mode 1: Clip, min(max(x, a), b))
#include <algorithm>
#include <unordered_map>
#include <vector>

#include "buffer.h"
#include "dnnl_common.h"
#include "net_plan.h"
#include "ops/pad.h"
#include "parallel.h"

namespace bs {

void buildTranspose(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const dnnl::memory::dims xd = b.values.at(v).dims;
  const size_t r = xd.size();
  if (op.p.size() != r) fail(code::kArgs, "netPlan: transpose needs a permutation of %zu axes", r);
  dnnl::memory::dims stride(r, 1), yd(r), view(r);
  for (size_t i = r - 1; i-- > 0;) stride[i] = stride[i + 1] * xd[i + 1];
  std::vector<bool> seen(r, false);
  for (size_t i = 0; i < r; i++) {
    const auto a = static_cast<size_t>(op.p[i]);
    if (a >= r || seen[a]) fail(code::kArgs, "netPlan: transpose axes are not a permutation");
    seen[a] = true;
    yd[i] = xd[a];
    view[i] = stride[a];
  }
  dnnl::memory x = b.plain(v);
  dnnl::memory y = b.activation(plainDesc(yd));
  const dnnl::memory::desc vd(yd, dnnl::memory::data_type::f32, view);
  const int t = threadsFor(static_cast<double>(y.get_desc().get_size() / sizeof(float)), kElemsPerThread);
  ThreadScope scope(t);
  dnnl::memory src(vd, dnnlEngine(), DNNL_MEMORY_NONE);
  dnnl::reorder reorder(src, y);
  b.actions.push_back([reorder, x, src, y, t]() mutable {
    ThreadScope s(t);
    src.set_data_handle(x.get_data_handle());  // x may be a plan input (its handle is set per run)
    reorder.execute(dnnlStream(), src, y);
  });
  b.add(yd, y);
}

void buildAxisReduce(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const dnnl::memory::dims xd = b.values.at(v).dims;
  const int64_t axis = op.p.size() > 0 ? static_cast<int64_t>(op.p[0]) : -1;
  const bool last = op.p.size() > 1 && op.p[1] != 0;
  if (axis < 0 || axis >= static_cast<int64_t>(xd.size()) || xd.size() < 2) fail(code::kArgs, "netPlan: axisReduce axis %lld is out of range", static_cast<long long>(axis));
  int64_t outer = 1, inner = 1;
  dnnl::memory::dims yd;
  for (int64_t i = 0; i < static_cast<int64_t>(xd.size()); i++) {
    if (i < axis) outer *= xd[i];
    if (i > axis) inner *= xd[i];
    if (i != axis) yd.push_back(xd[i]);
  }
  const int64_t steps = xd[axis];
  dnnl::memory x = b.plain(v);
  dnnl::memory y = b.activation(plainDesc(yd));
  b.actions.push_back([x, y, outer, inner, steps, last]() mutable {
    dnnlStream().wait();
    const float* xs = static_cast<const float*>(x.get_data_handle());
    float* ys = static_cast<float*>(y.get_data_handle());
    ThreadScope s(threadsFor(static_cast<double>(outer * steps * inner), kElemsPerThread));
    parallelFor(outer, outer * steps * inner >= kParallelMin, [&](int64_t o) {
      const float* src = xs + o * steps * inner;
      float* dst = ys + o * inner;
      if (last) {
        for (int64_t i = 0; i < inner; i++) dst[i] = src[(steps - 1) * inner + i];
        return;
      }
      for (int64_t i = 0; i < inner; i++) {
        float acc = 0.f;
        for (int64_t k = 0; k < steps; k++) acc += src[k * inner + i];
        dst[i] = acc / static_cast<float>(steps);
      }
    });
  });
  b.add(yd, y);
}

namespace {

// A reorder into a new plain value from a view of v (dims, strides, offset in elements).
void copyView(NetBuild& b, int v, const dnnl::memory::dims& yd, const dnnl::memory::dims& strides, int64_t offset) {
  dnnl::memory x = b.plain(v);
  dnnl::memory y = b.activation(plainDesc(yd));
  const int t = threadsFor(static_cast<double>(y.get_desc().get_size() / sizeof(float)), kElemsPerThread);
  ThreadScope scope(t);
  dnnl::memory src(dnnl::memory::desc(yd, dnnl::memory::data_type::f32, strides), dnnlEngine(), DNNL_MEMORY_NONE);
  dnnl::reorder reorder(src, y);
  b.actions.push_back([reorder, x, src, y, t, offset]() mutable {
    ThreadScope s(t);
    src.set_data_handle(static_cast<float*>(x.get_data_handle()) + offset);  // x may be a plan input
    reorder.execute(dnnlStream(), src, y);
  });
  b.add(yd, y);
}

dnnl::memory::dims plainStrides(const dnnl::memory::dims& d) {
  dnnl::memory::dims s(d.size(), 1);
  for (size_t i = d.size() - 1; i-- > 0;) s[i] = s[i + 1] * d[i + 1];
  return s;
}

}  // namespace

void buildSlice(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const dnnl::memory::dims xd = b.values.at(v).dims;
  if (op.p.size() != 3) fail(code::kArgs, "netPlan: slice takes axis, begin and end");
  const auto axis = static_cast<int64_t>(op.p[0]), begin = static_cast<int64_t>(op.p[1]), end = static_cast<int64_t>(op.p[2]);
  if (axis < 0 || axis >= static_cast<int64_t>(xd.size()) || begin < 0 || end <= begin || end > xd[axis])
    fail(code::kArgs, "netPlan: slice [%lld, %lld) of axis %lld is out of range", static_cast<long long>(begin), static_cast<long long>(end),
         static_cast<long long>(axis));
  const dnnl::memory::dims strides = plainStrides(xd);
  dnnl::memory::dims yd = xd;
  yd[axis] = end - begin;
  copyView(b, v, yd, strides, begin * strides[axis]);
}

void buildConcat(NetBuild& b, const NetOp& op) {
  if (op.in.size() < 2 || op.p.empty()) fail(code::kArgs, "netPlan: concat takes an axis and two or more inputs");
  const auto axis = static_cast<int64_t>(op.p[0]);
  const dnnl::memory::dims d0 = b.values.at(op.in[0]).dims;
  if (axis < 0 || axis >= static_cast<int64_t>(d0.size())) fail(code::kArgs, "netPlan: concat axis %lld is out of range", static_cast<long long>(axis));
  dnnl::memory::dims yd = d0;
  yd[axis] = 0;
  std::vector<dnnl::memory::desc> descs;
  std::vector<dnnl::memory> srcs;
  for (int v : op.in) {
    const dnnl::memory::dims d = b.values.at(v).dims;
    for (size_t i = 0; i < d.size(); i++)
      if (d.size() != d0.size() || (static_cast<int64_t>(i) != axis && d[i] != d0[i])) fail(code::kArgs, "netPlan: concat inputs differ off the axis");
    yd[axis] += d[axis];
    srcs.push_back(b.plain(v));
    descs.push_back(srcs.back().get_desc());
  }
  dnnl::memory y = b.activation(plainDesc(yd));
  const int t = threadsFor(static_cast<double>(y.get_desc().get_size() / sizeof(float)), kElemsPerThread);
  ThreadScope scope(t);
  dnnl::concat cat(dnnl::concat::primitive_desc(y.get_desc(), static_cast<int>(axis), descs, dnnlEngine()));
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_DST, y}};
  for (size_t i = 0; i < srcs.size(); i++) args.emplace(DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), srcs[i]);
  b.actions.push_back([cat, args, t]() mutable {
    ThreadScope s(t);
    cat.execute(dnnlStream(), args);
  });
  b.add(yd, y);
}

void buildSoftmax(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const dnnl::memory::dims xd = b.values.at(v).dims;
  const auto axis = op.p.empty() ? -1 : static_cast<int64_t>(op.p[0]);
  const bool log = op.p.size() > 1 && op.p[1] != 0;
  if (axis < 0 || axis >= static_cast<int64_t>(xd.size())) fail(code::kArgs, "netPlan: softmax axis %lld is out of range", static_cast<long long>(axis));
  dnnl::memory x = b.plain(v);
  dnnl::memory y = b.activation(plainDesc(xd));
  const int t = threadsFor(static_cast<double>(y.get_desc().get_size() / sizeof(float)), kElemsPerThread);
  ThreadScope scope(t);
  const dnnl::memory::desc md = plainDesc(xd);
  dnnl::primitive prim = log ? dnnl::primitive(dnnl::logsoftmax_forward(dnnl::logsoftmax_forward::primitive_desc(
                                   dnnl::logsoftmax_forward::desc(dnnl::prop_kind::forward_inference, md, static_cast<int>(axis)), dnnlEngine())))
                             : dnnl::primitive(dnnl::softmax_forward(dnnl::softmax_forward::primitive_desc(
                                   dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, md, static_cast<int>(axis)), dnnlEngine())));
  b.actions.push_back([prim, x, y, t]() mutable {
    ThreadScope s(t);
    prim.execute(dnnlStream(), {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}});
  });
  b.add(xd, y);
}

void buildPad(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const dnnl::memory::dims xd = b.values.at(v).dims;
  const int k = op.p.size() > 2 ? static_cast<int>(op.p[2]) : 0;
  if (k < 1 || k > 3 || static_cast<size_t>(k) >= xd.size() || op.p.size() != 3 + 2 * static_cast<size_t>(k))
    fail(code::kArgs, "netPlan: pad takes value, mode, k and a (before, after) pair for each of the last 1 to 3 axes");
  PadParams pp{};
  pp.dtype = DType::F32;
  pp.k = k;
  pp.mode = static_cast<int>(op.p[1]);
  pp.value = op.p[0];
  if (pp.mode < 0 || pp.mode >= kNumPadModes) fail(code::kArgs, "netPlan: pad mode %d", pp.mode);
  pp.outer = 1;
  const size_t lead = xd.size() - static_cast<size_t>(k);
  for (size_t i = 0; i < lead; i++) pp.outer *= xd[i];
  dnnl::memory::dims yd = xd;
  for (int a = 0; a < k; a++) {
    pp.in[a] = xd[lead + a];
    pp.before[a] = static_cast<int64_t>(op.p[3 + 2 * a]);
    pp.after[a] = static_cast<int64_t>(op.p[4 + 2 * a]);
    if (pp.before[a] < 0 || pp.after[a] < 0) fail(code::kArgs, "netPlan: negative padding");
    if (pp.mode == kPadReflect && (pp.before[a] >= pp.in[a] || pp.after[a] >= pp.in[a])) fail(code::kArgs, "netPlan: reflect padding needs pads below the size");
    yd[lead + a] += pp.before[a] + pp.after[a];
  }
  dnnl::memory x = b.plain(v);
  dnnl::memory y = b.activation(plainDesc(yd));
  b.actions.push_back([x, y, pp]() mutable {  // the eager kernel (pad_cpu.cc)
    dnnlStream().wait();
    pp.x = x.get_data_handle();
    pp.out = y.get_data_handle();
    padCpu(pp);
  });
  b.add(yd, y);
}

void buildPointwise(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const dnnl::memory::dims xd = b.values.at(v).dims;
  if (op.p.size() != 3) fail(code::kArgs, "netPlan: pointwise takes mode, a and b");
  const bool clip = op.p[0] != 0;
  const float lo = static_cast<float>(op.p[1]), hi = static_cast<float>(op.p[2]);
  const int64_t total = [&] {
    int64_t n = 1;
    for (auto d : xd) n *= d;
    return n;
  }();
  const int64_t c = clip ? 1 : static_cast<int64_t>(op.p[1]);
  if (!clip && (xd.size() < 2 || (c != 1 && c != xd[1]))) fail(code::kArgs, "netPlan: PReLU alpha has %lld elements", static_cast<long long>(c));
  const int64_t inner = clip || c == 1 ? total : total / (xd[0] * xd[1]);
  const float* alpha = clip ? nullptr : (op.bufs.empty() || !op.bufs[0] ? nullptr : static_cast<const float*>(op.bufs[0]->data));
  if (!clip && (!alpha || op.bufs[0]->bytes < static_cast<size_t>(c) * sizeof(float))) fail(code::kArgs, "netPlan: PReLU needs its alpha");
  dnnl::memory x = b.plain(v);
  dnnl::memory y = b.activation(plainDesc(xd));
  b.actions.push_back([x, y, clip, lo, hi, alpha, c, inner, total]() mutable {
    dnnlStream().wait();
    const float* xs = static_cast<const float*>(x.get_data_handle());
    float* ys = static_cast<float*>(y.get_data_handle());
    ThreadScope s(threadsFor(static_cast<double>(total), kElemsPerThread));
    const int64_t rows = total / inner;
    parallelFor(rows, total >= kParallelMin, [&](int64_t r) {
      const float a = clip ? 0.f : alpha[c == 1 ? 0 : r % c];
      for (int64_t i = r * inner; i < (r + 1) * inner; i++) {
        const float t = xs[i];
        ys[i] = clip ? std::min(std::max(t, lo), hi) : (t < 0.f ? a * t : t);
      }
    });
  });
  b.add(xd, y);
}

}  // namespace bs
