// Elementwise binary ops on the CPU. float32 add / sub / mul past kBinaryDnnlMin elements with a
// broadcast operand oneDNN can express (the other operand has the output's shape; this one is
// dense with size-1 axes: a bias, a per-channel or per-row scale, a single element) run oneDNN's
// binary primitive, cached per collapsed shape, when oneDNN has a jit kernel for the pattern.
// Everything else runs the loops below: equal shapes and small ops (the fast path, see
// kBinaryDnnlMin), float64 and the integer types (oneDNN's u8 arithmetic saturates where numpy
// wraps), comparisons, div, pow, max/min (NaN rules), operands broadcast on both sides, transposed
// operands, and patterns oneDNN 2.6 only has a reference kernel for.
#include "../dnnl_common.h"
#include "../parallel.h"
#include "binary.h"
#include "binary_math.h"
#include "strided.h"

#include <string>

namespace bs {

const char* binaryName(int op) {
  static constexpr const char* names[] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum",
                                          "eq", "ne", "lt", "le", "gt", "ge"};
  return op >= 0 && op < kNumBinaryOps ? names[op] : "?";
}

namespace {

template <int OP, typename T>
using Out = decltype(binaryOp<OP, T>(T(), T()));

template <int OP, typename T>
void binaryLoop(const BinaryParams& p) {
  using R = Out<OP, T>;
  const T* a = static_cast<const T*>(p.a);
  const T* b = static_cast<const T*>(p.b);
  R* out = static_cast<R*>(p.out);
  Walk<3> w;
  w.rank = p.shape.n;
  int64_t total = 1;
  for (int i = p.shape.n - 1; i >= 0; i--) {
    w.shape[i] = p.shape[i];
    w.strides[0][i] = p.aStrides[i];
    w.strides[1][i] = p.bStrides[i];
    w.strides[2][i] = total;
    total *= p.shape[i];
  }
  w.collapse();
  if (w.wantsTiles()) {  // an operand is transposed relative to out
    const int r = w.rank;
    const int64_t aA = w.strides[0][r - 2], aB = w.strides[0][r - 1], bA = w.strides[1][r - 2];
    const int64_t bB = w.strides[1][r - 1], oA = w.strides[2][r - 2];
    constexpr int64_t TT = Walk<3>::kTile;
    // Operand tiles are first gathered in each operand's own contiguous order (see copyStrided:
    // reading a transposed operand directly thrashes one cache set for power-of-two pitches).
    auto gather = [](const T* src, int64_t sI, int64_t sJ, int64_t i0, int64_t i1, int64_t j0, int64_t j1, T* tile) {
      if (sI <= sJ) {
        for (int64_t j = j0; j < j1; j++)
          for (int64_t i = i0; i < i1; i++) tile[(i - i0) * TT + (j - j0)] = src[i * sI + j * sJ];
      } else {
        for (int64_t i = i0; i < i1; i++)
          for (int64_t j = j0; j < j1; j++) tile[(i - i0) * TT + (j - j0)] = src[i * sI + j * sJ];
      }
    };
    w.forEachTile(total >= kParallelMin, [&](const int64_t* off, int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
      T ta[TT * TT], tb[TT * TT];
      gather(a + off[0], aA, aB, a0, a1, b0, b1, ta);
      gather(b + off[1], bA, bB, a0, a1, b0, b1, tb);
      for (int64_t i = a0; i < a1; i++)
        for (int64_t j = b0; j < b1; j++)
          out[off[2] + i * oA + j] = binaryOp<OP, T>(ta[(i - a0) * TT + (j - b0)], tb[(i - a0) * TT + (j - b0)]);
    });
    return;
  }
  const int64_t sa = w.strides[0][w.rank - 1], sb = w.strides[1][w.rank - 1];
  // The common stride patterns get their own loops so the compiler vectorises them.
  w.forEachRow(total >= kParallelMin, [&](const int64_t* off, int64_t len) {
    const T* x = a + off[0];
    const T* y = b + off[1];
    R* o = out + off[2];
    if (sa == 1 && sb == 1) {
      for (int64_t j = 0; j < len; j++) o[j] = binaryOp<OP, T>(x[j], y[j]);
    } else if (sa == 1 && sb == 0) {
      const T s = y[0];
      for (int64_t j = 0; j < len; j++) o[j] = binaryOp<OP, T>(x[j], s);
    } else if (sa == 0 && sb == 1) {
      const T s = x[0];
      for (int64_t j = 0; j < len; j++) o[j] = binaryOp<OP, T>(s, y[j]);
    } else {
      for (int64_t j = 0; j < len; j++) o[j] = binaryOp<OP, T>(x[j * sa], y[j * sb]);
    }
  });
}

template <int OP, typename T>
void scalarLoop(const BinaryScalarParams& p) {
  using R = Out<OP, T>;
  const T* x = static_cast<const T*>(p.x);
  R* out = static_cast<R*>(p.out);
  const T s = fromDouble<T>(p.scalar, p.dtype);
  const int64_t n = p.n;
  if (p.scalarFirst) {
    parallelFor(n, n >= kParallelMin, [&](int64_t i) { out[i] = binaryOp<OP, T>(s, x[i]); });
  } else {
    parallelFor(n, n >= kParallelMin, [&](int64_t i) { out[i] = binaryOp<OP, T>(x[i], s); });
  }
}

#define BS_BINARY_SWITCH(op, FN, P)         \
  switch (op) {                             \
    case kAdd: FN<kAdd, T>(P); break;       \
    case kSub: FN<kSub, T>(P); break;       \
    case kMul: FN<kMul, T>(P); break;       \
    case kDiv: FN<kDiv, T>(P); break;       \
    case kPow: FN<kPow, T>(P); break;       \
    case kMaximum: FN<kMaximum, T>(P); break; \
    case kMinimum: FN<kMinimum, T>(P); break; \
    case kEq: FN<kEq, T>(P); break;         \
    case kNe: FN<kNe, T>(P); break;         \
    case kLt: FN<kLt, T>(P); break;         \
    case kLe: FN<kLe, T>(P); break;         \
    case kGt: FN<kGt, T>(P); break;         \
    default: FN<kGe, T>(P); break;          \
  }

// Below this many elements the loops stay (the fast path): a oneDNN call (three memory objects, an
// argument map, a cache lookup) costs ~2-3 µs, which a loop over 2^14 floats does not; from 2^16
// oneDNN is as fast or faster for broadcast operands. Equal shapes (no broadcasting) keep the loops
// at every size: there oneDNN measured 1.0-1.35× slower up to 2^18 elements and no faster above
// (docs/benchmarks.md, "oneDNN binary and softmax backward").
constexpr int64_t kBinaryDnnlMin = 1 << 16;

dnnl::algorithm dnnlBinaryAlg(int op) {
  return op == kAdd ? dnnl::algorithm::binary_add : op == kSub ? dnnl::algorithm::binary_sub : dnnl::algorithm::binary_mul;
}

// The collapsed problem oneDNN sees: out dims, and which of them src1 spans (the rest it
// broadcasts). src0 has out's shape and strides.
struct DnnlBinaryShape {
  int rank = 0;
  int64_t dims[DNNL_MAX_NDIMS];
  bool spans[DNNL_MAX_NDIMS];
  const void* src0;
  const void* src1;
};

// Whether p fits oneDNN's binary as src0 ⊕ src1 (src1 broadcast by size-1 axes); fills s.
bool dnnlBinaryShape(const BinaryParams& p, DnnlBinaryShape& s) {
  int64_t outStride[kMaxRank];
  int64_t total = 1;
  for (int i = p.shape.n - 1; i >= 0; i--) {
    outStride[i] = total;
    total *= p.shape[i];
  }
  auto full = [&](const int64_t* st) {
    for (int i = 0; i < p.shape.n; i++)
      if (p.shape[i] > 1 && st[i] != outStride[i]) return false;
    return true;
  };
  const int64_t* st1;
  if (full(p.aStrides)) {
    s.src0 = p.a, s.src1 = p.b, st1 = p.bStrides;
  } else if (p.op != kSub && full(p.bStrides)) {  // add and mul commute
    s.src0 = p.b, s.src1 = p.a, st1 = p.aStrides;
  } else {
    return false;
  }
  // src1 must be dense over the axes it spans (innermost first); size-1 axes are dropped and
  // neighbours with the same broadcast state merged, so [N, C, H, W] + [1, C, 1, 1] becomes
  // [N, C, H·W] + [1, C, 1].
  int64_t expect = 1;
  int r = 0;
  int64_t dims[kMaxRank];
  bool spans[kMaxRank];
  for (int i = p.shape.n - 1; i >= 0; i--) {
    if (p.shape[i] == 1) continue;
    const bool span = st1[i] != 0;
    if (span && st1[i] != expect) return false;
    if (span) expect *= p.shape[i];
    if (r > 0 && spans[r - 1] == span) {
      dims[r - 1] *= p.shape[i];
    } else {
      dims[r] = p.shape[i];
      spans[r++] = span;
    }
  }
  if (r == 0 || r > DNNL_MAX_NDIMS) return false;
  if (r == 1 && spans[0]) return false;  // equal shapes: the loops are as fast (see kBinaryDnnlMin)
  s.rank = r;
  for (int i = 0; i < r; i++) {  // back to outermost first
    s.dims[i] = dims[r - 1 - i];
    s.spans[i] = spans[r - 1 - i];
  }
  return true;
}

dnnl::memory::desc plainDesc(const dnnl::memory::dims& dims) {
  dnnl::memory::dims strides(dims.size());
  int64_t st = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    strides[i] = st;
    st *= dims[i];
  }
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, strides);
}

// Runs p through oneDNN when its shape suits a jit kernel; false (nothing written) otherwise.
bool binaryDnnl(const BinaryParams& p, int64_t total) {
  DnnlBinaryShape s;
  if (!dnnlBinaryShape(p, s)) return false;
  ThreadScope threads(threadsFor(static_cast<double>(total), kElemsPerThread));
  bool done = false;
  withDnnl("binary", [&] {
    int64_t mask = 0;
    for (int i = 0; i < s.rank; i++) mask |= static_cast<int64_t>(s.spans[i]) << i;
    PrimKey key(PrimKind::Binary, {p.op, s.rank, mask});
    for (int i = 0; i < s.rank; i++) key.v[key.n++] = s.dims[i];
    const CachedPrim c = getPrimitive(key, [&] {
      dnnl::memory::dims d0(s.dims, s.dims + s.rank), d1(d0);
      for (int i = 0; i < s.rank; i++)
        if (!s.spans[i]) d1[i] = 1;
      CachedPrim made;
      made.md[0] = plainDesc(d0);
      made.md[1] = plainDesc(d1);
      // oneDNN's reference kernel (broadcast patterns its jit lacks) is slower than our loops, and
      // a pattern it refuses has them too: cache the empty primitive as "use the loops".
      try {
        dnnl::binary::primitive_desc pd(dnnl::binary::desc(dnnlBinaryAlg(p.op), made.md[0], made.md[1], made.md[0]),
                                        dnnlEngine());
        if (std::string(pd.impl_info_str()).rfind("ref", 0) != 0) made.prim = dnnl::binary(pd);
      } catch (const dnnl::error&) {
      }
      return made;
    });
    if (!c.prim) return;
    dnnl::memory src0(c.md[0], dnnlEngine(), const_cast<void*>(s.src0));
    dnnl::memory src1(c.md[1], dnnlEngine(), const_cast<void*>(s.src1));
    dnnl::memory dst(c.md[0], dnnlEngine(), p.out);
    c.prim.execute(dnnlStream(), {{DNNL_ARG_SRC_0, src0}, {DNNL_ARG_SRC_1, src1}, {DNNL_ARG_DST, dst}});
    dnnlStream().wait();
    done = true;
  });
  return done;
}

bool wantsDnnl(const BinaryParams& p, int64_t* total) {
  if (!supportsDnnl(p.dtype) || (p.op != kAdd && p.op != kSub && p.op != kMul)) return false;
  int64_t n = 1;
  for (int i = 0; i < p.shape.n; i++) n *= p.shape[i];
  *total = n;
  return n >= kBinaryDnnlMin;
}

}  // namespace

void binaryCpu(const BinaryParams& p) {
  int64_t total = 0;
  if (wantsDnnl(p, &total) && binaryDnnl(p, total)) return;
  const int op = boolBinaryOp(p.op, p.dtype);
  BS_DISPATCH_ALL(p.dtype, T, { BS_BINARY_SWITCH(op, binaryLoop, p) });
}

void binaryScalarCpu(const BinaryScalarParams& p) {
  const int op = boolBinaryOp(p.op, p.dtype);
  BS_DISPATCH_ALL(p.dtype, T, { BS_BINARY_SWITCH(op, scalarLoop, p) });
}

}  // namespace bs
