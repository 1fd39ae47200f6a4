// The layout steps of a compiled graph forward (net_plan.h) that sequence models use between
// their layers: a transpose (one oneDNN reorder that reads the input through permuted strides)
// and the reduction of one axis (SequenceMean: the mean over it; SequenceLast: its last entry).
//
// Numbers (p) per kind, in order:
//   transpose:  the permutation (output axis i is input axis p[i])
//   axisReduce: axis, mode (0: mean, 1: last)  (the axis is dropped from the output)
#include <vector>

#include "dnnl_common.h"
#include "net_plan.h"
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

}  // namespace bs
