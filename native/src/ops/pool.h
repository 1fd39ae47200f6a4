// Max and average pooling over NCHW (1-d pooling arrives as H = 1) with PyTorch's rules: the
// padding is implicit (-inf for max, zeros or excluded for average), ceil mode adds a last window
// that may overhang the right padding, and count_include_pad divides by the window clipped to the
// padded input (never past it), as torch.nn.AvgPool2d does.
//
// The per-element rules are BS_HD, shared by the CPU's plain kernel and the CUDA kernels. The
// backward is a gather over the windows that contain each input element (no atomics); for max,
// an element receives a window's gradient when it is that window's first maximum (NaN wins, as in
// PyTorch), recomputed from x, so no indices need to be kept from the forward.
#pragma once
#include <cmath>
#include <cstdint>

#include "../dtype.h"
#include "../host_device.h"

namespace bs {

enum PoolMode : int { kPoolMax = 0, kPoolAvgIncludePad = 1, kPoolAvgExcludePad = 2, kNumPoolModes };

struct PoolGeom {
  int64_t n, c, h, w;   // input
  int64_t oh, ow;       // output
  int64_t kh, kw, sh, sw, ph, pw;  // window, strides, padding (left/top; the right may overhang in ceil mode)
};
constexpr int kPoolGeomLen = 12;  // the JS `geom` array, in the field order above

struct PoolParams {
  int mode;
  DType dtype;
  PoolGeom g;
  const void* x = nullptr;   // [n, c, h, w]
  void* y = nullptr;         // forward: [n, c, oh, ow]
  const void* dy = nullptr;  // backward: [n, c, oh, ow]
  void* dx = nullptr;        // backward: [n, c, h, w]
};

void poolCpu(const PoolParams& p);
void poolBackwardCpu(const PoolParams& p);
void poolCuda(const PoolParams& p);  // pool_cuda.cu
void poolBackwardCuda(const PoolParams& p);

struct PoolWindow {
  int64_t y0, y1, x0, x1;  // clipped to the input: [y0, y1) x [x0, x1)
  int64_t divisor;         // for average pooling
};

BS_HD inline PoolWindow poolWindow(const PoolGeom& g, int mode, int64_t oy, int64_t ox) {
  const int64_t ys = oy * g.sh - g.ph, xs = ox * g.sw - g.pw;
  int64_t ye = ys + g.kh, xe = xs + g.kw;
  if (ye > g.h + g.ph) ye = g.h + g.ph;
  if (xe > g.w + g.pw) xe = g.w + g.pw;
  PoolWindow win;
  const int64_t padded = (ye - ys) * (xe - xs);
  win.y0 = ys < 0 ? 0 : ys;
  win.x0 = xs < 0 ? 0 : xs;
  win.y1 = ye < g.h ? ye : g.h;
  win.x1 = xe < g.w ? xe : g.w;
  win.divisor = mode == kPoolAvgIncludePad ? padded : (win.y1 - win.y0) * (win.x1 - win.x0);
  return win;
}

// Offset (iy * w + ix) of the window's first maximum within its plane, or -1 for an empty window.
template <typename T>
BS_HD inline int64_t poolArgmax(const PoolGeom& g, const T* plane, const PoolWindow& win) {
  int64_t best = -1;
  T m = T(0);
  for (int64_t iy = win.y0; iy < win.y1; iy++)
    for (int64_t ix = win.x0; ix < win.x1; ix++) {
      const T v = plane[iy * g.w + ix];
      if (best < 0 || v > m || (v != v && m == m)) {
        m = v;
        best = iy * g.w + ix;
      }
    }
  return best;
}

// y[i] (i over n, c, oh, ow).
template <typename T>
BS_HD inline T poolForwardAt(const PoolGeom& g, int mode, const T* x, int64_t i) {
  const int64_t ox = i % g.ow, oy = (i / g.ow) % g.oh, nc = i / (g.ow * g.oh);
  const T* plane = x + nc * g.h * g.w;
  const PoolWindow win = poolWindow(g, mode, oy, ox);
  if (mode == kPoolMax) {
    const int64_t at = poolArgmax(g, plane, win);
    return at < 0 ? T(-INFINITY) : plane[at];
  }
  T sum = T(0);
  for (int64_t iy = win.y0; iy < win.y1; iy++)
    for (int64_t ix = win.x0; ix < win.x1; ix++) sum += plane[iy * g.w + ix];
  return sum / static_cast<T>(win.divisor);
}

// dx[i] (i over n, c, h, w): the gradients of the windows that contain input i.
template <typename T>
BS_HD inline T poolBackwardAt(const PoolGeom& g, int mode, const T* x, const T* dy, int64_t i) {
  const int64_t ix = i % g.w, iy = (i / g.w) % g.h, nc = i / (g.w * g.h);
  const T* plane = x + nc * g.h * g.w;
  const T* dyp = dy + nc * g.oh * g.ow;
  // Windows oy with oy*sh - ph <= iy < oy*sh - ph + kh.
  const int64_t ty = iy + g.ph, tx = ix + g.pw;
  int64_t oy0 = ty - g.kh + 1 <= 0 ? 0 : (ty - g.kh + g.sh) / g.sh;
  int64_t ox0 = tx - g.kw + 1 <= 0 ? 0 : (tx - g.kw + g.sw) / g.sw;
  int64_t oy1 = ty / g.sh + 1, ox1 = tx / g.sw + 1;
  if (oy1 > g.oh) oy1 = g.oh;
  if (ox1 > g.ow) ox1 = g.ow;
  T acc = T(0);
  for (int64_t oy = oy0; oy < oy1; oy++)
    for (int64_t ox = ox0; ox < ox1; ox++) {
      const PoolWindow win = poolWindow(g, mode, oy, ox);
      const T d = dyp[oy * g.ow + ox];
      if (mode == kPoolMax) {
        if (poolArgmax(g, plane, win) == iy * g.w + ix) acc += d;
      } else {
        acc += d / static_cast<T>(win.divisor);
      }
    }
  return acc;
}

}  // namespace bs
