// What the eager float32 convolutions on oneDNN share (conv_cpu.cc on the engine's NCHW arrays,
// conv_blocked.cc on blocked copies): the descriptors of one geometry, primitive keys, the
// scratchpad attribute of chunk primitives and the work measure the thread policy reads.
#pragma once
#include <oneapi/dnnl/dnnl.hpp>

#include <initializer_list>

#include "../dnnl_common.h"
#include "conv.h"

namespace bs {

// Memory descriptors of one geometry in the layouts the engine stores (NCHW; weights OIHW, or
// GOIHW with groups, which is the same bytes as PyTorch's (O, C/groups, KH, KW)).
struct ConvDescs {
  dnnl::memory::desc src, wei, bias, dst;
  dnnl::memory::dims strides, dilation, padL, padR;
  explicit ConvDescs(const ConvGeom& g) {
    using dt = dnnl::memory::data_type;
    using tag = dnnl::memory::format_tag;
    src = dnnl::memory::desc({g.n, g.c, g.h, g.w}, dt::f32, tag::nchw);
    wei = g.groups > 1 ? dnnl::memory::desc({g.groups, g.o / g.groups, g.c / g.groups, g.kh, g.kw}, dt::f32, tag::goihw)
                       : dnnl::memory::desc({g.o, g.c, g.kh, g.kw}, dt::f32, tag::oihw);
    bias = dnnl::memory::desc({g.o}, dt::f32, tag::x);
    dst = dnnl::memory::desc({g.n, g.o, g.oh, g.ow}, dt::f32, tag::nchw);
    strides = {g.sh, g.sw};
    dilation = {g.dh - 1, g.dw - 1};  // oneDNN counts the gaps: 0 is a dense kernel
    padL = {g.ph, g.pw};
    padR = {g.ph, g.pw};  // oneDNN floors (h + padL + padR - extent) / stride as PyTorch does
  }
  // The same geometry with oneDNN free to pick the src, weights and dst layouts.
  ConvDescs& anyLayouts() {
    using tag = dnnl::memory::format_tag;
    src = dnnl::memory::desc(src.dims(), src.data_type(), tag::any);
    wei = dnnl::memory::desc(wei.dims(), wei.data_type(), tag::any);
    dst = dnnl::memory::desc(dst.dims(), dst.data_type(), tag::any);
    return *this;
  }
  dnnl::convolution_forward::desc forward(dnnl::prop_kind prop, bool withBias) const {
    const auto alg = dnnl::algorithm::convolution_direct;
    return withBias ? dnnl::convolution_forward::desc(prop, alg, src, wei, bias, dst, strides, dilation, padL, padR)
                    : dnnl::convolution_forward::desc(prop, alg, src, wei, dst, strides, dilation, padL, padR);
  }
  dnnl::convolution_backward_data::desc backwardData() const {
    return dnnl::convolution_backward_data::desc(dnnl::algorithm::convolution_direct, src, wei, dst, strides, dilation, padL, padR);
  }
  dnnl::convolution_backward_weights::desc backwardWeights(bool withBias) const {
    const auto alg = dnnl::algorithm::convolution_direct;
    return withBias ? dnnl::convolution_backward_weights::desc(alg, src, wei, bias, dst, strides, dilation, padL, padR)
                    : dnnl::convolution_backward_weights::desc(alg, src, wei, dst, strides, dilation, padL, padR);
  }
};

// A primitive's key: the geometry and up to six flags (userScratch: a primitive made for chunks
// that run on several threads at once, threadScratchpad).
inline PrimKey convKey(PrimKind kind, const ConvGeom& g, std::initializer_list<int64_t> flags) {
  PrimKey k(kind, {g.n, g.c, g.h, g.w, g.o, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.groups});
  for (int64_t f : flags)
    if (k.n < PrimKey::kMax) k.v[k.n++] = f;
  return k;
}

inline dnnl::primitive_attr scratchAttr(bool userScratch) {
  dnnl::primitive_attr attr;
  if (userScratch) attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

// Multiply-adds of one pass (forward, or either gradient).
inline double convWork(const ConvGeom& g) {
  return static_cast<double>(g.n) * g.o * g.oh * g.ow * (g.c / g.groups) * g.kh * g.kw;
}

inline dnnl::memory wrapMemory(const dnnl::memory::desc& md, const void* p) {
  return dnnl::memory(md, dnnlEngine(), const_cast<void*>(p));
}

// Blocked-layout passes (conv_blocked.cc): each returns false, having done nothing, where the
// plain NCHW path should run instead (too few positions per weight, no direct kernel).
bool convForwardBlocked(const ConvParams& p, bool fuse, dnnl::algorithm alg);
bool convBackwardDataBlocked(const ConvParams& p);
bool convBackwardWeightsBlocked(const ConvParams& p);

}  // namespace bs
