// The per-element update rules shared by optimizer_cpu.cc and optimizer_cuda.cu (host and device).
#pragma once
#include <cmath>
#include <cstdint>

#include "optimizer.h"

#include "../host_device.h"

namespace bs {

template <typename T>
struct OptimizerScalars {
  T lr, wd, rescale, clip, momentum, beta1, beta2, epsilon, c1, c2, oneMinusBeta1, oneMinusBeta2;
  bool hasClip, hasMomentum, rescaleFirst, hasWd;
  explicit OptimizerScalars(const OptimizerParams& p)
      : lr(T(p.lr)), wd(T(p.wd)), rescale(T(p.rescale)), clip(T(p.clip)), momentum(T(p.momentum)),
        beta1(T(p.beta1)), beta2(T(p.beta2)), epsilon(T(p.epsilon)), c1(T(p.c1)), c2(T(p.c2)),
        oneMinusBeta1(T(1 - p.beta1)), oneMinusBeta2(T(1 - p.beta2)), hasClip(p.clip >= 0),
        hasMomentum(p.s0 != nullptr), rescaleFirst(p.rescaleFirst), hasWd(p.wd != 0) {}
};

template <typename T>
BS_HD inline T rootOf(T x) {
#ifdef __CUDA_ARCH__
  return sqrt(x);
#else
  return std::sqrt(x);
#endif
}

template <typename T>
BS_HD inline T clipTo(T x, T c) {
  // np.minimum(np.maximum(x, -c), c), NaN propagating as numpy's maximum/minimum do.
  T y = (x > -c || x != x) ? x : -c;
  return (y < c || y != y) ? y : c;
}

template <typename T>
BS_HD inline void optimizerStep(int kind, const OptimizerScalars<T>& k, T* w, const T* g, T* s0, T* s1,
                                int64_t i) {
  const T wi = w[i];
  if (kind == kSgd) {
    T gi = g[i];
    if (k.rescaleFirst) gi = gi * k.rescale;
    if (k.hasClip) gi = clipTo(gi, k.clip);
    const T d = k.hasWd ? gi + wi * k.wd : gi;
    if (k.hasMomentum) {
      const T m = s0[i] * k.momentum - d * k.lr;
      s0[i] = m;
      w[i] = wi + m;
    } else {
      w[i] = wi - d * k.lr;
    }
    return;
  }
  T gi = g[i];
  if (k.rescale != T(1)) gi = gi * k.rescale;
  if (kind == kAdam && k.hasWd) gi = gi + wi * k.wd;
  if (k.hasClip) gi = clipTo(gi, k.clip);
  const T m = s0[i] * k.beta1 + gi * k.oneMinusBeta1;
  const T v = s1[i] * k.beta2 + (gi * gi) * k.oneMinusBeta2;
  s0[i] = m;
  s1[i] = v;
  if (kind == kAdam) {
    w[i] = wi - (m * k.lr) / (rootOf(v) + k.epsilon);
  } else {
    T u = (m / k.c1) / (rootOf(v / k.c2) + k.epsilon);
    if (k.hasWd) u = u + wi * k.wd;
    w[i] = wi - u * k.lr;
  }
}

}  // namespace bs
