// Pooling on the CPU: average pooling with every window inside the input plane by plane
// (averageInside); otherwise float32 through oneDNN's pooling_forward and (average pooling) its
// pooling_backward, on NHWC copies from 16384 outputs; max pooling's gradient, in every dtype,
// plane by plane from the argmax recomputed from x (maxBackwardPlanes); float64, and average
// pooling whose divisor oneDNN would count differently (a ceil-mode window overhanging the right
// padding with count_include_pad), through the plain kernels of pool.h.
#include <algorithm>
#include <limits>
#include <type_traits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <string>
#include <unordered_map>
#include <vector>

#include "../dnnl_common.h"
#include "../parallel.h"
#include "pool.h"

namespace bs {

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

// The right/bottom padding oneDNN needs for the output size: more than the left in ceil mode.
int64_t padRight(int64_t in, int64_t out, int64_t k, int64_t s, int64_t pl) {
  const int64_t need = (out - 1) * s + k - in - pl;
  return need > pl ? need : pl;
}

bool overhangs(const PoolGeom& g) { return padRight(g.h, g.oh, g.kh, g.sh, g.ph) > g.ph || padRight(g.w, g.ow, g.kw, g.sw, g.pw) > g.pw; }

bool usesDnnl(const PoolParams& p) {
  if (!supportsDnnl(p.dtype)) return false;
  if (p.mode == kPoolAvgIncludePad && overhangs(p.g)) return false;
  const PoolGeom& g = p.g;
  return g.n * g.c > 0 && g.oh > 0 && g.ow > 0 && g.h > 0 && g.w > 0;
}

dnnl::algorithm algorithmOf(int mode) {
  switch (mode) {
    case kPoolMax: return dnnl::algorithm::pooling_max;
    case kPoolAvgIncludePad: return dnnl::algorithm::pooling_avg_include_padding;
    default: return dnnl::algorithm::pooling_avg_exclude_padding;
  }
}

dnnl::pooling_forward::desc forwardDesc(const PoolParams& p, dnnl::prop_kind prop) {
  const PoolGeom& g = p.g;
  dnnl::memory::desc src({g.n, g.c, g.h, g.w}, dt::f32, tag::nchw);
  dnnl::memory::desc dst({g.n, g.c, g.oh, g.ow}, dt::f32, tag::nchw);
  return dnnl::pooling_forward::desc(prop, algorithmOf(p.mode), src, dst, {g.sh, g.sw}, {g.kh, g.kw}, {g.ph, g.pw},
                                     {padRight(g.h, g.oh, g.kh, g.sh, g.ph), padRight(g.w, g.ow, g.kw, g.sw, g.pw)});
}

// role: 0 the pooling on NCHW, 1 on NHWC copies, 2 / 3 / 4 / 5 the reorders of x, y, dy, dx.
PrimKey poolKey(PrimKind kind, const PoolParams& p, int64_t role = 0) {
  const PoolGeom& g = p.g;
  return PrimKey(kind, {p.mode, g.n, g.c, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, role});
}

dnnl::memory mem(const dnnl::memory::desc& md, const void* p) { return dnnl::memory(md, dnnlEngine(), const_cast<void*>(p)); }

constexpr double kSingleThreadWork = 65536.0;

bool small(const PoolGeom& g) { return static_cast<double>(g.n) * g.c * g.oh * g.ow * g.kh * g.kw < kSingleThreadWork; }

// Run inside the ThreadScope the primitive was made in (its key carries the thread count).
void execute(const CachedPrim& c, const PoolGeom&, const std::unordered_map<int, dnnl::memory>& args) {
  c.prim.execute(dnnlStream(), args);
  dnnlStream().wait();
}

// md: src, dst.
CachedPrim forwardPrim(const PoolParams& p) {
  return getPrimitive(poolKey(PrimKind::Pool, p), [&] {
    auto d = forwardDesc(p, dnnl::prop_kind::forward_inference);
    dnnl::pooling_forward::primitive_desc pd(d, dnnlEngine());
    CachedPrim made;
    made.prim = dnnl::pooling_forward(pd);
    made.md[0] = pd.src_desc();
    made.md[1] = pd.dst_desc();
    return made;
  });
}

// oneDNN 2.6 pools NCHW with its `simple_nchw` loop (LeNet's first pooling at batch 64 took
// 1.35 ms); its jit kernels take channels-last or blocked layouts. A pooling with this many
// outputs or more runs on NHWC copies: a transpose in and one out, passes of the pooling's own size.
constexpr double kChannelsLastMin = 16384;

dnnl::memory::desc channelsLast(const dnnl::memory::dims& d) { return dnnl::memory::desc(d, dt::f32, tag::nhwc); }

dnnl::pooling_forward::desc channelsLastDesc(const PoolParams& p, dnnl::prop_kind prop) {
  const PoolGeom& g = p.g;
  return dnnl::pooling_forward::desc(prop, algorithmOf(p.mode), channelsLast({g.n, g.c, g.h, g.w}), channelsLast({g.n, g.c, g.oh, g.ow}),
                                     {g.sh, g.sw}, {g.kh, g.kw}, {g.ph, g.pw},
                                     {padRight(g.h, g.oh, g.kh, g.sh, g.ph), padRight(g.w, g.ow, g.kw, g.sw, g.pw)});
}

bool isJit(const dnnl::primitive_desc_base& pd) { return std::string(pd.impl_info_str()).rfind("jit", 0) == 0; }

// md: the NHWC src and dst, then the NCHW ones; empty where oneDNN has no jit kernel for NHWC.
CachedPrim channelsLastPrim(const PoolParams& p) {
  return getPrimitive(poolKey(PrimKind::Pool, p, 1), [&] {
    const PoolGeom& g = p.g;
    CachedPrim made;
    dnnl::pooling_forward::primitive_desc pd(channelsLastDesc(p, dnnl::prop_kind::forward_inference), dnnlEngine());
    if (!isJit(pd)) return made;
    made.prim = dnnl::pooling_forward(pd);
    made.md[0] = pd.src_desc();
    made.md[1] = pd.dst_desc();
    made.md[2] = dnnl::memory::desc({g.n, g.c, g.h, g.w}, dt::f32, tag::nchw);
    made.md[3] = dnnl::memory::desc({g.n, g.c, g.oh, g.ow}, dt::f32, tag::nchw);
    return made;
  });
}

CachedPrim reorderPrim(const PoolParams& p, int64_t role, const dnnl::memory::desc& from, const dnnl::memory::desc& to) {
  return getPrimitive(poolKey(PrimKind::Pool, p, role), [&] {
    CachedPrim made;
    made.prim = dnnl::reorder(dnnl::reorder::primitive_desc(dnnlEngine(), from, dnnlEngine(), to));
    return made;
  });
}

bool forwardChannelsLast(const PoolParams& p) {
  const PoolGeom& g = p.g;
  if (static_cast<double>(g.n) * g.c * g.oh * g.ow < kChannelsLastMin || g.c < 2) return false;
  const CachedPrim c = channelsLastPrim(p);
  if (!c.prim) return false;
  dnnl::memory x = threadMemory(0, c.md[0]), y = threadMemory(1, c.md[1]);
  reorderPrim(p, 2, c.md[2], c.md[0]).prim.execute(dnnlStream(), {{DNNL_ARG_FROM, mem(c.md[2], p.x)}, {DNNL_ARG_TO, x}});
  c.prim.execute(dnnlStream(), {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}});
  reorderPrim(p, 3, c.md[1], c.md[3]).prim.execute(dnnlStream(), {{DNNL_ARG_FROM, y}, {DNNL_ARG_TO, mem(c.md[3], p.y)}});
  dnnlStream().wait();
  return true;
}

void forwardDnnl(const PoolParams& p) {
  SingleThreadIf single(small(p.g));
  if (forwardChannelsLast(p)) return;
  const CachedPrim c = forwardPrim(p);
  execute(c, p.g, {{DNNL_ARG_SRC, mem(c.md[0], p.x)}, {DNNL_ARG_DST, mem(c.md[1], p.y)}});
}

// Average pooling's gradient on NHWC copies, as the forward (simple_nchw's took about 1 ms for
// LeNet's pooling at batch 64): dy in, dx out. (Max pooling's runs plane by plane: maxBackwardPlanes.)
bool backwardChannelsLast(const PoolParams& p) {
  const PoolGeom& g = p.g;
  if (static_cast<double>(g.n) * g.c * g.oh * g.ow < kChannelsLastMin || g.c < 2) return false;
  const CachedPrim c = getPrimitive(poolKey(PrimKind::PoolBackward, p, 1), [&] {
    auto fd = channelsLastDesc(p, dnnl::prop_kind::forward_training);
    dnnl::pooling_forward::primitive_desc hint(fd, dnnlEngine());
    dnnl::pooling_backward::desc bd(algorithmOf(p.mode), fd.data.src_desc, fd.data.dst_desc, {g.sh, g.sw}, {g.kh, g.kw},
                                    {g.ph, g.pw},
                                    {padRight(g.h, g.oh, g.kh, g.sh, g.ph), padRight(g.w, g.ow, g.kw, g.sw, g.pw)});
    dnnl::pooling_backward::primitive_desc pd(bd, dnnlEngine(), hint);
    CachedPrim made;
    if (!isJit(pd)) return made;
    made.prim = dnnl::pooling_backward(pd);
    made.md[0] = pd.diff_src_desc();
    made.md[1] = pd.diff_dst_desc();
    return made;
  });
  if (!c.prim) return false;
  const dnnl::memory::desc xPlain({g.n, g.c, g.h, g.w}, dt::f32, tag::nchw), yPlain({g.n, g.c, g.oh, g.ow}, dt::f32, tag::nchw);
  const dnnl::memory dy = threadMemory(1, c.md[1]), dx = threadMemory(0, c.md[0]);
  reorderPrim(p, 4, yPlain, c.md[1]).prim.execute(dnnlStream(), {{DNNL_ARG_FROM, mem(yPlain, p.dy)}, {DNNL_ARG_TO, dy}});
  c.prim.execute(dnnlStream(), {{DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_SRC, dx}});
  reorderPrim(p, 5, c.md[0], xPlain).prim.execute(dnnlStream(), {{DNNL_ARG_FROM, dx}, {DNNL_ARG_TO, mem(xPlain, p.dx)}});
  dnnlStream().wait();
  return true;
}

// Average pooling's gradient (max pooling's: maxBackwardPlanes).
void backwardDnnl(const PoolParams& p) {
  SingleThreadIf single(small(p.g));
  if (backwardChannelsLast(p)) return;
  const PoolGeom& g = p.g;
  const CachedPrim c = getPrimitive(poolKey(PrimKind::PoolBackward, p), [&] {
    auto fd = forwardDesc(p, dnnl::prop_kind::forward_training);
    dnnl::pooling_forward::primitive_desc hint(fd, dnnlEngine());
    dnnl::pooling_backward::desc bd(algorithmOf(p.mode), fd.data.src_desc, fd.data.dst_desc, {g.sh, g.sw},
                                    {g.kh, g.kw}, {g.ph, g.pw},
                                    {padRight(g.h, g.oh, g.kh, g.sh, g.ph), padRight(g.w, g.ow, g.kw, g.sw, g.pw)});
    CachedPrim made;
    made.prim = dnnl::pooling_backward(dnnl::pooling_backward::primitive_desc(bd, dnnlEngine(), hint));
    made.md[0] = fd.data.src_desc;
    made.md[1] = fd.data.dst_desc;
    return made;
  });
  execute(c, g, {{DNNL_ARG_DIFF_SRC, mem(c.md[0], p.dx)}, {DNNL_ARG_DIFF_DST, mem(c.md[1], p.dy)}});
}

// Max pooling's gradient plane by plane: each window's gradient goes to its first maximum,
// recomputed from x (pool.h poolArgmax), planes split over threads. An input in several windows
// receives their gradients in window order, as the gather of poolBackwardAt adds them, so results
// equal it bit for bit. oneDNN's jit max pooling needs the workspace of a forward in training
// mode: replayed for the gradient that took 1.5 ms and its backward 1.5 ms more for LeNet's first
// pooling at batch 64 (75 K windows), for a pass that reads each input once.
template <typename T>
void maxBackwardPlanes(const PoolParams& p) {
  const PoolGeom& g = p.g;
  const T* x = static_cast<const T*>(p.x);
  const T* dy = static_cast<const T*>(p.dy);
  T* dx = static_cast<T*>(p.dx);
  const int64_t planes = g.n * g.c, in = g.h * g.w, out = g.oh * g.ow;
  auto plane = [&](int64_t k) {
    const T* xs = x + k * in;
    const T* d = dy + k * out;
    T* dxs = dx + k * in;
    std::fill_n(dxs, in, T(0));
    for (int64_t oy = 0; oy < g.oh; oy++) {
      const int64_t ys = oy * g.sh - g.ph, y0 = std::max<int64_t>(ys, 0), y1 = std::min<int64_t>(ys + g.kh, g.h);
      for (int64_t ox = 0; ox < g.ow; ox++) {
        // poolArgmax over the window clipped to the input (pool.h poolWindow), inlined.
        const int64_t xs0 = ox * g.sw - g.pw, x0 = std::max<int64_t>(xs0, 0), x1 = std::min<int64_t>(xs0 + g.kw, g.w);
        // The window's maximum, then the first element equal to it: selects, not branches
        // (which element wins is data; mispredicted branches were most of the time). A NaN
        // wins as in poolArgmax, which handles windows holding one.
        T m = -std::numeric_limits<T>::infinity();
        bool nan = false;
        for (int64_t iy = y0; iy < y1; iy++)
          for (int64_t ix = x0; ix < x1; ix++) {
            const T v = xs[iy * g.w + ix];
            m = v > m ? v : m;
            nan |= v != v;
          }
        int64_t best = -1;
        if (nan) {
          best = poolArgmax(g, xs, PoolWindow{y0, y1, x0, x1, 0});
        } else {
          for (int64_t iy = y1; iy-- > y0;)
            for (int64_t ix = x1; ix-- > x0;) best = xs[iy * g.w + ix] == m ? iy * g.w + ix : best;
        }
        if (best >= 0) dxs[best] += d[oy * g.ow + ox];
      }
    }
  };
  const int threads = std::min<int64_t>(planes, threadsFor(static_cast<double>(planes * (in + out * g.kh * g.kw)), kElemsPerThread));
  if (threads > 1) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t k = 0; k < planes; k++) plane(k);
  } else {
    for (int64_t k = 0; k < planes; k++) plane(k);
  }
}

template <typename T>
void forwardPlain(const PoolParams& p) {
  const T* x = static_cast<const T*>(p.x);
  T* y = static_cast<T*>(p.y);
  const int64_t n = p.g.n * p.g.c * p.g.oh * p.g.ow;
  parallelFor(n, !small(p.g), [&](int64_t i) { y[i] = poolForwardAt(p.g, p.mode, x, i); });
}

// Average pooling whose windows lie inside the input (no padding, no ceil-mode overhang), as
// LeNet's 2×2 / stride-2 ones: plane by plane with the window arithmetic hoisted, the same sums as
// poolForwardAt, so the results equal the plain path bit for bit. oneDNN 2.6 has only its
// simple_nchw loop for NCHW (LeNet's first pooling at batch 1: 36 µs for 1 176 outputs) or jit
// kernels behind two transposes (batch 64: 195 µs; here 8 and 95 µs). Max pooling stays on
// oneDNN: a scalar max, branching on every comparison, took 0.88 ms for LeNet's shape at batch 64.
bool insideInput(const PoolGeom& g) {
  return g.ph == 0 && g.pw == 0 && (g.oh - 1) * g.sh + g.kh <= g.h && (g.ow - 1) * g.sw + g.kw <= g.w;
}

// One output row of an average pooling: 0 + each element in the same order, then ÷ the window size.
template <typename T>
void averageRow(const PoolGeom& g, const T* in, int64_t oy, T* out) {
  const T divisor = static_cast<T>(g.kh * g.kw);
  int64_t ox = 0;
#if defined(__SSE2__)
  // 2×2 windows, stride 2 (LeNet's, most CNNs'): four outputs per step from two rows of eight
  // floats, split into even and odd columns; the sums run in the scalar order, so the results
  // are the same bits.
  if constexpr (std::is_same_v<T, float>) {
    if (g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2) {
      const float* r0 = in + oy * 2 * g.w;
      const float* r1 = r0 + g.w;
      const __m128 four = _mm_set1_ps(4.f);
      for (; ox + 4 <= g.ow; ox += 4) {
        const __m128 a = _mm_loadu_ps(r0 + 2 * ox), b = _mm_loadu_ps(r0 + 2 * ox + 4);
        const __m128 c = _mm_loadu_ps(r1 + 2 * ox), d = _mm_loadu_ps(r1 + 2 * ox + 4);
        __m128 sum = _mm_add_ps(_mm_setzero_ps(), _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
        sum = _mm_add_ps(sum, _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
        sum = _mm_add_ps(sum, _mm_shuffle_ps(c, d, _MM_SHUFFLE(2, 0, 2, 0)));
        sum = _mm_add_ps(sum, _mm_shuffle_ps(c, d, _MM_SHUFFLE(3, 1, 3, 1)));
        _mm_storeu_ps(out + ox, _mm_div_ps(sum, four));
      }
    }
  }
#endif
  for (; ox < g.ow; ox++) {
    const T* win = in + oy * g.sh * g.w + ox * g.sw;
    T sum = T(0);
    for (int64_t ky = 0; ky < g.kh; ky++)
      for (int64_t kx = 0; kx < g.kw; kx++) sum += win[ky * g.w + kx];
    out[ox] = sum / divisor;
  }
}

template <typename T>
void averageInside(const PoolParams& p) {
  const PoolGeom& g = p.g;
  const T* x = static_cast<const T*>(p.x);
  T* y = static_cast<T*>(p.y);
  parallelFor(g.n * g.c, !small(g), [&](int64_t plane) {
    const T* in = x + plane * g.h * g.w;
    T* out = y + plane * g.oh * g.ow;
    for (int64_t oy = 0; oy < g.oh; oy++) averageRow<T>(g, in, oy, out + oy * g.ow);
  });
}

template <typename T>
void backwardPlain(const PoolParams& p) {
  const T* x = static_cast<const T*>(p.x);
  const T* dy = static_cast<const T*>(p.dy);
  T* dx = static_cast<T*>(p.dx);
  const int64_t n = p.g.n * p.g.c * p.g.h * p.g.w;
  parallelFor(n, !small(p.g), [&](int64_t i) { dx[i] = poolBackwardAt(p.g, p.mode, x, dy, i); });
}

}  // namespace

void poolCpu(const PoolParams& p) {
  if (p.mode != kPoolMax && p.g.n * p.g.c > 0 && p.g.oh > 0 && p.g.ow > 0 && insideInput(p.g)) {
    BS_DISPATCH_FLOAT(p.dtype, T, { averageInside<T>(p); });
    return;
  }
  if (usesDnnl(p)) {
    withDnnl("pooling", [&] { forwardDnnl(p); });
    return;
  }
  BS_DISPATCH_FLOAT(p.dtype, T, { forwardPlain<T>(p); });
}

void poolBackwardCpu(const PoolParams& p) {
  if (p.mode == kPoolMax && p.g.n * p.g.c > 0) {
    BS_DISPATCH_FLOAT(p.dtype, T, { maxBackwardPlanes<T>(p); });
    return;
  }
  if (usesDnnl(p)) {
    withDnnl("poolingBackward", [&] { backwardDnnl(p); });
    return;
  }
  BS_DISPATCH_FLOAT(p.dtype, T, { backwardPlain<T>(p); });
}

}  // namespace bs
