// float32 linear on oneDNN inner_product with the bias and (where oneDNN has it) the activation
// fused as an eltwise post-op; otherwise GEMM + bias + unary.
#include "../dnnl_common.h"
#include "../parallel.h"
#include "linear.h"
#include "matmul.h"
#include "unary.h"

namespace bs {

namespace {

// The activations fused as oneDNN post-ops; the rest run as a separate unary pass (softrelu too:
// oneDNN 2.6's soft_relu is inaccurate for large negative inputs).
bool fusedAlgorithm(int act, dnnl::algorithm* alg) {
  switch (act) {
    case kRelu: *alg = dnnl::algorithm::eltwise_relu; return true;
    case kSigmoid: *alg = dnnl::algorithm::eltwise_logistic; return true;
    case kTanh: *alg = dnnl::algorithm::eltwise_tanh; return true;
    case kGelu: *alg = dnnl::algorithm::eltwise_gelu_erf; return true;
    default: return false;
  }
}

void applyActivation(const LinearParams& p) {
  if (p.activation < 0) return;
  UnaryParams u{p.activation, p.dtype, p.out, p.out, p.rows * p.outUnits};
  unaryCpu(u);
}

template <typename T>
void linearPlain(const LinearParams& p) {
  const T* x = static_cast<const T*>(p.x);
  const T* w = static_cast<const T*>(p.w);
  T* out = static_cast<T*>(p.out);
  // out = x · w^T: w is [outUnits, inUnits], so B(p, j) = w[j * inUnits + p].
  gemmPlain<T>(x, p.inUnits, 1, w, 1, p.inUnits, out, p.rows, p.outUnits, p.inUnits);
  if (p.bias) {
    const T* bias = static_cast<const T*>(p.bias);
    const int64_t rows = p.rows, cols = p.outUnits;
    parallelFor(rows, rows * cols >= kParallelMin, [&](int64_t r) {
      for (int64_t j = 0; j < cols; j++) out[r * cols + j] += bias[j];
    });
  }
  applyActivation(p);
}

void linearDnnl(const LinearParams& p) {
  dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
  const bool fuse = fusedAlgorithm(p.activation, &alg);
  SingleThreadIf small(static_cast<double>(p.rows) * p.inUnits * p.outUnits < 65536.0);
  withDnnl("linear", [&] {
    const PrimKey key(PrimKind::InnerProduct, {p.rows, p.inUnits, p.outUnits, p.bias != nullptr,
                                               fuse ? static_cast<int64_t>(alg) : -1});
    CachedPrim c = getPrimitive(key, [&] {
      using dt = dnnl::memory::data_type;
      using tag = dnnl::memory::format_tag;
      dnnl::memory::desc src({p.rows, p.inUnits}, dt::f32, tag::nc);
      dnnl::memory::desc wei({p.outUnits, p.inUnits}, dt::f32, tag::oi);
      dnnl::memory::desc bias({p.outUnits}, dt::f32, tag::x);
      dnnl::memory::desc dst({p.rows, p.outUnits}, dt::f32, tag::nc);
      dnnl::primitive_attr attr;
      if (fuse) {
        dnnl::post_ops ops;
        ops.append_eltwise(1.f, alg, 0.f, 0.f);
        attr.set_post_ops(ops);
      }
      const auto prop = dnnl::prop_kind::forward_inference;
      dnnl::inner_product_forward::desc d =
          p.bias ? dnnl::inner_product_forward::desc(prop, src, wei, bias, dst)
                 : dnnl::inner_product_forward::desc(prop, src, wei, dst);
      CachedPrim made;
      made.prim = dnnl::inner_product_forward(dnnl::inner_product_forward::primitive_desc(d, attr, dnnlEngine()));
      made.md[0] = src;
      made.md[1] = wei;
      made.md[2] = bias;
      made.md[3] = dst;
      return made;
    });
    dnnl::memory ms(c.md[0], dnnlEngine(), const_cast<void*>(p.x));
    dnnl::memory mw(c.md[1], dnnlEngine(), const_cast<void*>(p.w));
    dnnl::memory md(c.md[3], dnnlEngine(), p.out);
    if (p.bias) {
      dnnl::memory mb(c.md[2], dnnlEngine(), const_cast<void*>(p.bias));
      c.prim.execute(dnnlStream(), {{DNNL_ARG_SRC, ms}, {DNNL_ARG_WEIGHTS, mw}, {DNNL_ARG_BIAS, mb}, {DNNL_ARG_DST, md}});
    } else {
      c.prim.execute(dnnlStream(), {{DNNL_ARG_SRC, ms}, {DNNL_ARG_WEIGHTS, mw}, {DNNL_ARG_DST, md}});
    }
    dnnlStream().wait();
  });
  if (!fuse) applyActivation(p);
}

}  // namespace

void linearCpu(const LinearParams& p) {
  if (p.rows == 0 || p.outUnits == 0) return;
  if (supportsDnnl(p.dtype) && p.inUnits > 0 && static_cast<double>(p.rows) * p.inUnits * p.outUnits >= kDnnlMin)
    return linearDnnl(p);
  if (p.dtype == DType::F32)
    linearPlain<float>(p);
  else
    linearPlain<double>(p);
}

}  // namespace bs
