// What compiled plans (net_plan_rnn.cc) share with the eager recurrent op (rnn_cpu.cc): the
// forward-inference primitive of one layer, the gate reordering of PyTorch's weights into
// oneDNN's ldgoi, and the bias packing, so both paths run the same primitive on the same numbers.
// Shapes and gate orders as rnn.h.
#pragma once
#include <oneapi/dnnl/dnnl.hpp>

#include <vector>

#include "rnn.h"

namespace bs {

// One layer's forward-inference primitive (not cached: a plan keeps its own per thread count,
// created inside the caller's ThreadScope) and the weight layouts it picked (format_tag::any).
struct RnnInference {
  dnnl::primitive prim;
  dnnl::memory::desc weightsLayer, weightsIter;
};

// srcNtc / dstNtc: the input / output sequence lies batch first, (N, T, C), instead of (T, N, C).
RnnInference rnnInference(const RnnShape& s, bool srcNtc, bool dstNtc);
// PyTorch's (D, G·H, k) weights as oneDNN's ldgoi (1, D, k, G, H), in oneDNN's gate order.
std::vector<float> rnnPackWeights(const RnnShape& s, const float* w, int64_t k);
dnnl::memory::desc rnnUserWeights(const RnnShape& s, int64_t k);
// oneDNN's ldgo bias (1, D, gates, H) from b_ih and b_hh (D, G·H).
std::vector<float> rnnPackBias(const RnnShape& s, const float* bIh, const float* bHh);
dnnl::memory::desc rnnBiasDesc(const RnnShape& s);
// A layer's begin / final state (1, D, N, H), ldnc.
dnnl::memory::desc rnnStateDesc(const RnnShape& s);
// The threads one time step's products are worth (threading.h threadsFor).
int rnnThreadsForStep(const RnnShape& s);

}  // namespace bs
