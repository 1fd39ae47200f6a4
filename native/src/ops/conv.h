// Convolution over NCHW (1-d convolutions arrive as H = 1): the forward, the gradient to the data
// and the gradients to the weight and bias, with PyTorch's weight layout (O, C/groups, KH, KW) and
// dilation (1 = dense). Transposed convolution needs no kernels of its own: its forward is this
// op's data gradient, its data gradient this op's forward (engine/ops/conv.ts).
//
// The per-element rules below are BS_HD: the CPU's plain kernel (float64, and anything oneDNN
// does not take) and the CUDA kernels run the same code, each output element a gather over its
// inputs (no atomics, so the GPU's results do not depend on scheduling). Every read is inside the
// bounds implied by the geometry, which api_conv.cc checks against the buffers.
#pragma once
#include <cstdint>

#include "../dtype.h"
#include "../host_device.h"

namespace bs {

struct ConvGeom {
  int64_t n, c, h, w;     // input
  int64_t o, kh, kw;      // output channels, kernel
  int64_t oh, ow;         // output
  int64_t sh, sw, ph, pw, dh, dw;  // strides, padding (both sides), dilation (1 = dense)
  int64_t groups;
};
constexpr int kConvGeomLen = 16;  // the JS `geom` array, in the field order above

struct ConvParams {
  DType dtype;
  ConvGeom g;
  const void* x = nullptr;     // [n, c, h, w]
  const void* w = nullptr;     // [o, c / groups, kh, kw]
  const void* bias = nullptr;  // [o] or null (forward)
  void* y = nullptr;           // [n, o, oh, ow] (forward)
  const void* dy = nullptr;    // [n, o, oh, ow] (backward)
  void* dx = nullptr;          // [n, c, h, w] (backward data)
  void* dw = nullptr;          // [o, c / groups, kh, kw] or null (backward weights)
  void* db = nullptr;          // [o] or null (backward weights)
  int activation = -1;         // forward: a UnaryOp applied to the output, or -1
};

void convCpu(const ConvParams& p);
void convBackwardDataCpu(const ConvParams& p);
void convBackwardWeightsCpu(const ConvParams& p);
void convCuda(const ConvParams& p);  // conv_cuda.cu
void convBackwardDataCuda(const ConvParams& p);
void convBackwardWeightsCuda(const ConvParams& p);

// y[i] (i over n, o, oh, ow) before the activation.
template <typename T>
BS_HD inline T convForwardAt(const ConvGeom& g, const T* x, const T* w, const T* bias, int64_t i) {
  const int64_t ox = i % g.ow, oy = (i / g.ow) % g.oh, o = (i / (g.ow * g.oh)) % g.o, n = i / (g.ow * g.oh * g.o);
  const int64_t cg = g.c / g.groups, og = g.o / g.groups, c0 = (o / og) * cg;
  T acc = bias ? bias[o] : T(0);
  for (int64_t c = 0; c < cg; c++) {
    const T* xc = x + ((n * g.c + c0 + c) * g.h) * g.w;
    const T* wc = w + ((o * cg + c) * g.kh) * g.kw;
    for (int64_t ky = 0; ky < g.kh; ky++) {
      const int64_t iy = oy * g.sh - g.ph + ky * g.dh;
      if (iy < 0 || iy >= g.h) continue;
      for (int64_t kx = 0; kx < g.kw; kx++) {
        const int64_t ix = ox * g.sw - g.pw + kx * g.dw;
        if (ix < 0 || ix >= g.w) continue;
        acc += xc[iy * g.w + ix] * wc[ky * g.kw + kx];
      }
    }
  }
  return acc;
}

// dx[i] (i over n, c, h, w): the output positions whose window reads input i, through the weight.
template <typename T>
BS_HD inline T convBackwardDataAt(const ConvGeom& g, const T* w, const T* dy, int64_t i) {
  const int64_t ix = i % g.w, iy = (i / g.w) % g.h, ci = (i / (g.w * g.h)) % g.c, n = i / (g.w * g.h * g.c);
  const int64_t cg = g.c / g.groups, og = g.o / g.groups, grp = ci / cg, c = ci % cg;
  T acc = T(0);
  for (int64_t oo = 0; oo < og; oo++) {
    const int64_t o = grp * og + oo;
    const T* dyo = dy + ((n * g.o + o) * g.oh) * g.ow;
    const T* wo = w + ((o * cg + c) * g.kh) * g.kw;
    for (int64_t ky = 0; ky < g.kh; ky++) {
      const int64_t ty = iy + g.ph - ky * g.dh;
      if (ty < 0 || ty % g.sh != 0 || ty / g.sh >= g.oh) continue;
      const int64_t oy = ty / g.sh;
      for (int64_t kx = 0; kx < g.kw; kx++) {
        const int64_t tx = ix + g.pw - kx * g.dw;
        if (tx < 0 || tx % g.sw != 0 || tx / g.sw >= g.ow) continue;
        acc += dyo[oy * g.ow + tx / g.sw] * wo[ky * g.kw + kx];
      }
    }
  }
  return acc;
}

// dw[i] (i over o, c / groups, kh, kw): Σ over the batch and the output positions of dy · x.
template <typename T>
BS_HD inline T convBackwardWeightAt(const ConvGeom& g, const T* x, const T* dy, int64_t i) {
  const int64_t cg = g.c / g.groups, og = g.o / g.groups;
  const int64_t kx = i % g.kw, ky = (i / g.kw) % g.kh, c = (i / (g.kw * g.kh)) % cg, o = i / (g.kw * g.kh * cg);
  const int64_t ci = (o / og) * cg + c;
  T acc = T(0);
  for (int64_t n = 0; n < g.n; n++) {
    const T* xc = x + ((n * g.c + ci) * g.h) * g.w;
    const T* dyo = dy + ((n * g.o + o) * g.oh) * g.ow;
    for (int64_t oy = 0; oy < g.oh; oy++) {
      const int64_t iy = oy * g.sh - g.ph + ky * g.dh;
      if (iy < 0 || iy >= g.h) continue;
      for (int64_t ox = 0; ox < g.ow; ox++) {
        const int64_t ix = ox * g.sw - g.pw + kx * g.dw;
        if (ix < 0 || ix >= g.w) continue;
        acc += dyo[oy * g.ow + ox] * xc[iy * g.w + ix];
      }
    }
  }
  return acc;
}

// db[o]: Σ over the batch and the output positions of dy.
template <typename T>
BS_HD inline T convBackwardBiasAt(const ConvGeom& g, const T* dy, int64_t o) {
  T acc = T(0);
  const int64_t plane = g.oh * g.ow;
  for (int64_t n = 0; n < g.n; n++) {
    const T* d = dy + (n * g.o + o) * plane;
    for (int64_t j = 0; j < plane; j++) acc += d[j];
  }
  return acc;
}

}  // namespace bs
