// The oneDNN pieces batch_norm_cpu.cc and layer_norm_cpu.cc share: the normalization flags, memory
// over a caller's buffer, and the arguments of a backward primitive, which the two ops bind alike
// (only their descriptors differ). CPU only: the CUDA files never include it.
#pragma once
#include <unordered_map>
#include <vector>

#include "../dnnl_common.h"
#include "norm_backward.h"

namespace bs {

inline dnnl::memory normMem(const dnnl::memory::desc& md, const void* p) {
  return dnnl::memory(md, dnnlEngine(), const_cast<void*>(p));
}

inline dnnl::normalization_flags normFlags(bool scale, bool shift, bool global = false) {
  dnnl::normalization_flags f = dnnl::normalization_flags::none;
  if (scale) f = f | dnnl::normalization_flags::use_scale;
  if (shift) f = f | dnnl::normalization_flags::use_shift;
  if (global) f = f | dnnl::normalization_flags::use_global_stats;
  return f;
}

// diff_shift is produced only when asked for; oneDNN always writes diff_src and diff_scale (when
// scaling), so unwanted ones go to these scratch vectors (elems: x's size, params: gamma's).
struct NormBackwardScratch {
  NormBackwardScratch(const NormBackwardBuffers& p, int64_t elems, int64_t params)
      : dx(p.dx ? 0 : elems), dgamma(p.gamma && !p.dgamma ? params : 0), unusedShift(p.dbeta ? params : 0) {}
  std::vector<float> dx, dgamma, unusedShift;
};

// Runs a backward primitive made with normFlags(p.gamma, p.dbeta, ...): data describes x, dy and
// dx; stat mean and var; param gamma and its gradients.
inline void executeNormBackward(const dnnl::primitive& prim, const NormBackwardBuffers& p, NormBackwardScratch& s,
                                const dnnl::memory::desc& data, const dnnl::memory::desc& stat,
                                const dnnl::memory::desc& param) {
  std::unordered_map<int, dnnl::memory> args{
      {DNNL_ARG_SRC, normMem(data, p.x)}, {DNNL_ARG_DIFF_DST, normMem(data, p.dy)},
      {DNNL_ARG_MEAN, normMem(stat, p.mean)}, {DNNL_ARG_VARIANCE, normMem(stat, p.var)},
      {DNNL_ARG_DIFF_SRC, normMem(data, p.dx ? p.dx : s.dx.data())}};
  if (p.gamma) {
    args.emplace(DNNL_ARG_SCALE, normMem(param, p.gamma));
    args.emplace(DNNL_ARG_DIFF_SCALE, normMem(param, p.dgamma ? p.dgamma : s.dgamma.data()));
  }
  // With use_shift oneDNN 2.6 wants the shift as an input of backward too, though it reads none.
  if (p.dbeta) args.emplace(DNNL_ARG_SHIFT, normMem(param, s.unusedShift.data()));
  if (p.dbeta) args.emplace(DNNL_ARG_DIFF_SHIFT, normMem(param, p.dbeta));
  prim.execute(dnnlStream(), args);
  dnnlStream().wait();
}

}  // namespace bs
