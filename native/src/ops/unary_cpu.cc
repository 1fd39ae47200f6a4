#include <cmath>
#include <cstring>
#include <type_traits>

#include "../dnnl_common.h"
#include "../parallel.h"
#include "activation_math.h"
#include "unary.h"

namespace bs {

const char* unaryName(int op) {
  static constexpr const char* names[] = {"relu", "sigmoid", "tanh", "gelu", "exp", "log",
                                          "abs", "neg", "sqrt", "square", "softrelu", "sign",
                                          "leakyRelu", "elu", "selu", "silu", "hardSigmoid", "hardSwish",
                                          "geluTanh"};
  return op >= 0 && op < kNumUnaryOps ? names[op] : "?";
}

namespace {

template <typename T>
inline T sigmoidOf(T x) {
  // Never exponentiates a large positive number, so no overflow to inf/inf.
  if (x >= 0) return T(1) / (T(1) + std::exp(-x));
  T e = std::exp(x);
  return e / (T(1) + e);
}

template <int OP, typename T>
inline T fwd(T x, [[maybe_unused]] T alpha) {
  if constexpr (std::is_floating_point_v<T> && OP >= kLeakyRelu) return act::forward<T>(OP, x, alpha);
  else if constexpr (OP == kRelu) return x < T(0) ? T(0) : x;  // NaN stays NaN, as in numpy
  else if constexpr (OP == kSigmoid) return sigmoidOf(x);
  else if constexpr (OP == kTanh) return std::tanh(x);
  else if constexpr (OP == kGelu) return T(0.5) * x * (T(1) + std::erf(x * T(M_SQRT1_2)));
  else if constexpr (OP == kExp) return std::exp(x);
  else if constexpr (OP == kLog) return std::log(x);
  else if constexpr (OP == kAbs) {
    if constexpr (std::is_floating_point_v<T>) return std::fabs(x);
    else if constexpr (std::is_unsigned_v<T>) return x;
    else return x < 0 ? T(Wrap<T>(0) - Wrap<T>(x)) : x;
  } else if constexpr (OP == kNeg) {
    if constexpr (std::is_floating_point_v<T>) return -x;
    else return T(Wrap<T>(0) - Wrap<T>(x));
  } else if constexpr (OP == kSqrt) return std::sqrt(x);
  else if constexpr (OP == kSquare) return T(Wrap<T>(x) * Wrap<T>(x));
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): exact for large |x|, no overflow.
  else if constexpr (OP == kSoftrelu) return (x > T(0) ? x : T(0)) + std::log1p(std::exp(-std::fabs(x)));
  else {  // sign; NaN stays NaN as in numpy
    if constexpr (std::is_floating_point_v<T>) return x > T(0) ? T(1) : x < T(0) ? T(-1) : x;
    else return x > T(0) ? T(1) : x < T(0) ? T(-1) : T(0);
  }
}

template <int OP, typename T>
inline T bwd(T x, T y, T dy, [[maybe_unused]] T alpha) {
  if constexpr (std::is_floating_point_v<T> && OP >= kLeakyRelu) return act::backward<T>(OP, x, dy, alpha);
  else if constexpr (OP == kRelu) return x > T(0) ? dy : T(0);
  else if constexpr (OP == kSigmoid) return dy * y * (T(1) - y);
  else if constexpr (OP == kTanh) return dy * (T(1) - y * y);
  else if constexpr (OP == kGelu) {
    const T cdf = T(0.5) * (T(1) + std::erf(x * T(M_SQRT1_2)));
    const T pdf = std::exp(T(-0.5) * x * x) * T(0.3989422804014327);  // 1/sqrt(2π)
    return dy * (cdf + x * pdf);
  } else if constexpr (OP == kExp) return dy * y;
  else if constexpr (OP == kLog) return dy / x;
  else if constexpr (OP == kAbs) return x > T(0) ? dy : x < T(0) ? fwd<kNeg, T>(dy, T(0)) : T(0);
  else if constexpr (OP == kNeg) return fwd<kNeg, T>(dy, T(0));
  else if constexpr (OP == kSqrt) return dy / (T(2) * y);
  else if constexpr (OP == kSquare) return T(Wrap<T>(2) * Wrap<T>(x) * Wrap<T>(dy));
  else if constexpr (OP == kSoftrelu) return dy * sigmoidOf(x);
  else return T(0);  // sign
}

template <int OP, typename T>
void fwdLoop(const T* x, T* y, int64_t n, double alpha) {
  const T a = static_cast<T>(alpha);
  parallelFor(n, n >= kParallelMin, [&](int64_t i) { y[i] = fwd<OP, T>(x[i], a); });
}

template <int OP, typename T>
void bwdLoop(const T* x, const T* y, const T* dy, T* dx, int64_t n, double alpha) {
  const T a = static_cast<T>(alpha);
  parallelFor(n, n >= kParallelMin, [&](int64_t i) { dx[i] = bwd<OP, T>(x[i], y[i], dy[i], a); });
}

#define BS_UNARY_SWITCH(op, CALL)                           \
  switch (op) {                                             \
    case kRelu: CALL(kRelu); break;                         \
    case kSigmoid: CALL(kSigmoid); break;                   \
    case kTanh: CALL(kTanh); break;                         \
    case kGelu: CALL(kGelu); break;                         \
    case kExp: CALL(kExp); break;                           \
    case kLog: CALL(kLog); break;                           \
    case kAbs: CALL(kAbs); break;                           \
    case kNeg: CALL(kNeg); break;                           \
    case kSqrt: CALL(kSqrt); break;                         \
    case kSquare: CALL(kSquare); break;                     \
    case kSoftrelu: CALL(kSoftrelu); break;                 \
    case kLeakyRelu: CALL(kLeakyRelu); break;               \
    case kElu: CALL(kElu); break;                           \
    case kSelu: CALL(kSelu); break;                         \
    case kSilu: CALL(kSilu); break;                         \
    case kHardSigmoid: CALL(kHardSigmoid); break;           \
    case kHardSwish: CALL(kHardSwish); break;               \
    case kGeluTanh: CALL(kGeluTanh); break;                 \
    default: CALL(kSign); break;                            \
  }

struct EltAlg {
  dnnl::algorithm alg;
  float alpha = 0.f;
  bool useDst = false;  // backward reads y instead of x (cheaper for sigmoid, tanh, exp, sqrt)
};

// oneDNN's eltwise algorithm for a unary op, or false to use the plain loop: sign (oneDNN has
// none), relu (oneDNN maps NaN to 0; the plain loop is as fast, memory-bound and vectorised),
// softrelu (oneDNN 2.6 loses all relative accuracy for x < -15, even returning negatives), selu
// and hardSigmoid (no 2.6 algorithm: eltwise_hardsigmoid came in 3.0).
bool eltAlg(int op, bool backward, double alpha, EltAlg* e) {
  using A = dnnl::algorithm;
  switch (op) {
    case kSigmoid: *e = backward ? EltAlg{A::eltwise_logistic_use_dst_for_bwd, 0.f, true} : EltAlg{A::eltwise_logistic}; return true;
    case kTanh: *e = backward ? EltAlg{A::eltwise_tanh_use_dst_for_bwd, 0.f, true} : EltAlg{A::eltwise_tanh}; return true;
    case kGelu: e->alg = A::eltwise_gelu_erf; return true;
    case kExp: *e = backward ? EltAlg{A::eltwise_exp_use_dst_for_bwd, 0.f, true} : EltAlg{A::eltwise_exp}; return true;
    case kLog: e->alg = A::eltwise_log; return true;
    case kAbs: e->alg = A::eltwise_abs; return true;
    case kNeg: *e = EltAlg{A::eltwise_linear, -1.f}; return true;
    case kSqrt: *e = backward ? EltAlg{A::eltwise_sqrt_use_dst_for_bwd, 0.f, true} : EltAlg{A::eltwise_sqrt}; return true;
    case kSquare: e->alg = A::eltwise_square; return true;
    case kLeakyRelu: *e = EltAlg{A::eltwise_relu, static_cast<float>(alpha)}; return true;
    case kElu: *e = EltAlg{A::eltwise_elu, static_cast<float>(alpha)}; return true;
    case kSilu: *e = EltAlg{A::eltwise_swish, static_cast<float>(alpha)}; return true;
    case kHardSwish: e->alg = A::eltwise_hardswish; return true;
    case kGeluTanh: e->alg = A::eltwise_gelu_tanh; return true;
    default: return false;
  }
}

// Primitives are built for power-of-two chunk sizes only (4096 .. 65536 elements): a handful per
// algorithm serves every n, instead of a JIT compile (~0.1 ms) for each new size. Returns how
// many leading elements were processed; the caller finishes the tail (< 4096) with plain loops.
constexpr int64_t kMaxChunk = int64_t(1) << 16;

template <typename Exec>
int64_t inChunks(int64_t n, Exec&& exec) {
  int64_t off = 0;
  while (n - off >= kDnnlMin) {
    int64_t chunk = kMaxChunk;
    while (chunk > n - off) chunk >>= 1;
    exec(off, chunk);
    off += chunk;
  }
  return off;
}

// The key holds alpha's bits: a cast to an integer would give 0.01 and 0.02 the same primitive.
int64_t alphaBits(float alpha) {
  int32_t bits;
  std::memcpy(&bits, &alpha, sizeof bits);
  return bits;
}

dnnl::memory::desc chunkDesc(int64_t chunk) {
  return dnnl::memory::desc({chunk}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::a);
}

int64_t unaryDnnl(const UnaryParams& p, const EltAlg& e) {
  int64_t done = 0;
  ThreadScope threads(threadsFor(static_cast<double>(p.n), kElemsPerThread));
  withDnnl("unary", [&] {
    done = inChunks(p.n, [&](int64_t off, int64_t chunk) {
      const PrimKey key(PrimKind::Eltwise, {0, static_cast<int64_t>(e.alg), chunk, alphaBits(e.alpha)});
      CachedPrim c = getPrimitive(key, [&] {
        dnnl::eltwise_forward::desc d(dnnl::prop_kind::forward_inference, e.alg, chunkDesc(chunk), e.alpha, 0.f);
        CachedPrim made;
        made.prim = dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(d, dnnlEngine()));
        made.md[0] = chunkDesc(chunk);
        return made;
      });
      dnnl::memory src(c.md[0], dnnlEngine(), const_cast<float*>(static_cast<const float*>(p.x) + off));
      dnnl::memory dst(c.md[0], dnnlEngine(), static_cast<float*>(p.out) + off);
      c.prim.execute(dnnlStream(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    });
    dnnlStream().wait();
  });
  return done;
}

int64_t unaryBackwardDnnl(const UnaryBackwardParams& p, const EltAlg& e) {
  int64_t done = 0;
  ThreadScope threads(threadsFor(static_cast<double>(p.n), kElemsPerThread));
  withDnnl("unaryBackward", [&] {
    done = inChunks(p.n, [&](int64_t off, int64_t chunk) {
      const PrimKey key(PrimKind::Eltwise, {1, static_cast<int64_t>(e.alg), chunk, alphaBits(e.alpha)});
      CachedPrim c = getPrimitive(key, [&] {
        const dnnl::memory::desc md = chunkDesc(chunk);
        dnnl::eltwise_forward::desc fd(dnnl::prop_kind::forward_training, e.alg, md, e.alpha, 0.f);
        dnnl::eltwise_forward::primitive_desc hint(fd, dnnlEngine());
        dnnl::eltwise_backward::desc bd(e.alg, md, md, e.alpha, 0.f);
        CachedPrim made;
        made.prim = dnnl::eltwise_backward(dnnl::eltwise_backward::primitive_desc(bd, dnnlEngine(), hint));
        made.md[0] = md;
        return made;
      });
      const float* data = static_cast<const float*>(e.useDst ? p.y : p.x) + off;
      dnnl::memory mdata(c.md[0], dnnlEngine(), const_cast<float*>(data));
      dnnl::memory mdy(c.md[0], dnnlEngine(), const_cast<float*>(static_cast<const float*>(p.dy) + off));
      dnnl::memory mdx(c.md[0], dnnlEngine(), static_cast<float*>(p.dx) + off);
      c.prim.execute(dnnlStream(), {{e.useDst ? DNNL_ARG_DST : DNNL_ARG_SRC, mdata},
                                    {DNNL_ARG_DIFF_DST, mdy},
                                    {DNNL_ARG_DIFF_SRC, mdx}});
    });
    dnnlStream().wait();
  });
  return done;
}

}  // namespace

// oneDNN's exp turns NaN into +inf, and its relu-with-slope (leakyRelu) NaN into 0; inputs holding
// a NaN take the plain loop instead, for those and the other parametrised activations.
static bool hasNaN(const float* x, int64_t n) {
  int any = 0;
  for (int64_t i = 0; i < n; i++) any |= x[i] != x[i];
  return any != 0;
}

void unaryCpu(const UnaryParams& p) {
  int64_t done = 0;
  EltAlg e{};
  if (supportsDnnl(p.dtype) && p.n >= kDnnlMin && eltAlg(p.op, false, p.alpha, &e) &&
      !((p.op == kExp || p.op >= kLeakyRelu) && hasNaN(static_cast<const float*>(p.x), p.n)))
    done = unaryDnnl(p, e);
  if (done == p.n) return;
  const int64_t n = p.n - done;
  switch (p.dtype) {
#define CALL_F(OP) fwdLoop<OP, T>(static_cast<const T*>(p.x) + done, static_cast<T*>(p.out) + done, n, p.alpha)
    case DType::F32: { using T = float; BS_UNARY_SWITCH(p.op, CALL_F) break; }
    case DType::F64: { using T = double; BS_UNARY_SWITCH(p.op, CALL_F) break; }
#undef CALL_F
#define CALL_I(OP)                                                                         \
  if constexpr (OP == kAbs || OP == kNeg || OP == kSquare || OP == kSign)                  \
    fwdLoop<OP, T>(static_cast<const T*>(p.x), static_cast<T*>(p.out), n, 0.0)
    case DType::I32: { using T = int32_t; BS_UNARY_SWITCH(p.op, CALL_I) break; }
    case DType::I64: { using T = int64_t; BS_UNARY_SWITCH(p.op, CALL_I) break; }
    case DType::U8: { using T = uint8_t; BS_UNARY_SWITCH(p.op, CALL_I) break; }
#undef CALL_I
    default: break;
  }
}

void unaryBackwardCpu(const UnaryBackwardParams& p) {
  int64_t done = 0;
  EltAlg e{};
  if (supportsDnnl(p.dtype) && p.n >= kDnnlMin && eltAlg(p.op, true, p.alpha, &e)) done = unaryBackwardDnnl(p, e);
  if (done == p.n) return;
  const int64_t n = p.n - done;
  switch (p.dtype) {
#define CALL_F(OP)                                                                          \
  bwdLoop<OP, T>(static_cast<const T*>(p.x) + done, static_cast<const T*>(p.y) + done,      \
                 static_cast<const T*>(p.dy) + done, static_cast<T*>(p.dx) + done, n, p.alpha)
    case DType::F32: { using T = float; BS_UNARY_SWITCH(p.op, CALL_F) break; }
    case DType::F64: { using T = double; BS_UNARY_SWITCH(p.op, CALL_F) break; }
#undef CALL_F
#define CALL_I(OP)                                                                          \
  if constexpr (OP == kAbs || OP == kNeg || OP == kSquare || OP == kSign)                   \
    bwdLoop<OP, T>(static_cast<const T*>(p.x), static_cast<const T*>(p.y),                  \
                   static_cast<const T*>(p.dy), static_cast<T*>(p.dx), n, 0.0)
    case DType::I32: { using T = int32_t; BS_UNARY_SWITCH(p.op, CALL_I) break; }
    case DType::I64: { using T = int64_t; BS_UNARY_SWITCH(p.op, CALL_I) break; }
    case DType::U8: { using T = uint8_t; BS_UNARY_SWITCH(p.op, CALL_I) break; }
#undef CALL_I
    default: break;
  }
}

}  // namespace bs
