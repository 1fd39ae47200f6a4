// The sequence-model steps of a compiled graph forward (net_plan.h): what a Transformer needs
// beside linear, add and activation — layer and RMS normalization, the embedding gather, the
// position table add, and attention (scaled dot-product, and multi-head with its projections).
//
// Numbers (p) and buffers (bufs) per kind, in order:
//   layerNorm: eps, inner, rms | gamma, beta  (normalizes each run of `inner` trailing elements;
//              rms = 1: RMSNorm, x / √(mean(x²) + eps) · gamma, no centering, beta unused)
//   groupNorm: eps, groups | gamma, beta  (x (N, C, ...): each (sample, group) normalized, then
//              gamma / beta per channel; groups 0 = C, InstanceNorm — as ops/normalization.ts)
//   embed:     vocab, dim, idsInt32 | weight  (in: the ids; int32 ids only from a plan input,
//              float ids truncated as eager mode's take does; an id outside [0, vocab) fails the
//              run with kBounds before anything is written)
//   tableAdd:  inner | table  (y[i] = x[i] + table[i mod inner]: a position table over the batch)
//   attention: heads, causal, project | inW, inB, outW, outB[, qW, kW, vW]
//              project = 1: MultiHeadAttention, in: query (N, L, E) [, key (N, S, kdim) [, value
//              (N, S, vdim) [, key-padding mask (N, S), nonzero = ignored]]], PyTorch's packed in_proj (3E, E), or (inW null) its q/k/v_proj
//              (E, E), (E, kdim), (E, vdim); out_proj (E, E); project = 0: scaled dot-product
//              attention, in: q (..., L, d), k (..., S, d), v (..., S, dv)
//              scores = q·kᵀ/√d (+ −1e9 above the causal diagonal), softmax, · v — oneDNN matmuls
//              that read the heads in place through strides and write them joined, no transposes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "buffer.h"
#include "dnnl_common.h"
#include "net_plan.h"
#include "ops/linear.h"
#include "parallel.h"

namespace bs {

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using dims = dnnl::memory::dims;

int64_t numAt(const NetOp& op, size_t i) {
  if (i >= op.p.size()) fail(code::kArgs, "netPlan: op kind %d needs more numbers (%zu given)", op.kind, op.p.size());
  return static_cast<int64_t>(op.p[i]);
}

const float* bufAt(const NetOp& op, size_t i, int64_t elems, const char* what) {
  if (i >= op.bufs.size() || !op.bufs[i]) return nullptr;
  if (op.bufs[i]->bytes < static_cast<size_t>(elems) * sizeof(float))
    fail(code::kArgs, "netPlan: %s holds %zu bytes, needs %lld floats", what, op.bufs[i]->bytes, static_cast<long long>(elems));
  return static_cast<const float*>(op.bufs[i]->data);
}

int64_t countOf(const dims& d) {
  int64_t n = 1;
  for (auto v : d) n *= v;
  return n;
}

float* f32(const dnnl::memory& m) { return static_cast<float*>(m.get_data_handle()); }

}  // namespace

void buildLayerNorm(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const dims xd = b.values.at(v).dims;
  const double eps = op.p.at(0);
  const int64_t inner = numAt(op, 1);
  const bool rms = numAt(op, 2) != 0;
  const int64_t total = countOf(xd);
  if (inner < 1 || total % inner) fail(code::kArgs, "netPlan: layer norm over %lld elements does not divide the input", static_cast<long long>(inner));
  const int64_t outer = total / inner;
  const float* gamma = bufAt(op, 0, inner, "gamma");
  const float* beta = rms ? nullptr : bufAt(op, 1, inner, "beta");
  dnnl::memory x = b.plain(v);
  dnnl::memory y = b.activation(plainDesc(xd));
  if (rms) {  // the eager kernel's arithmetic: the mean square in double
    b.actions.push_back([x, y, gamma, eps, outer, inner]() mutable {
      dnnlStream().wait();
      const float* xs = f32(x);
      float* ys = f32(y);
      ThreadScope s(threadsFor(static_cast<double>(outer * inner), kElemsPerThread));
      parallelFor(outer, outer * inner >= kParallelMin, [&](int64_t r) {
        double sq = 0;
        for (int64_t j = 0; j < inner; j++) sq += static_cast<double>(xs[r * inner + j]) * xs[r * inner + j];
        const double inv = 1.0 / std::sqrt(sq / static_cast<double>(inner) + eps);
        for (int64_t j = 0; j < inner; j++) ys[r * inner + j] = static_cast<float>(xs[r * inner + j] * inv * (gamma ? gamma[j] : 1.0));
      });
    });
    b.add(xd, y);
    return;
  }
  using nf = dnnl::normalization_flags;
  nf flags = nf::none;
  if (gamma) flags = flags | nf::use_scale;
  if (beta) flags = flags | nf::use_shift;
  const dnnl::memory::desc data({outer, inner}, dt::f32, tag::ab), stat({outer}, dt::f32, tag::a), param({inner}, dt::f32, tag::a);
  const int t = threadsFor(static_cast<double>(total), kElemsPerThread);
  ThreadScope scope(t);
  dnnl::layer_normalization_forward::desc d(dnnl::prop_kind::forward_inference, data, stat, static_cast<float>(eps), flags);
  dnnl::layer_normalization_forward ln(dnnl::layer_normalization_forward::primitive_desc(d, dnnlEngine()));
  dnnl::memory xm(data, dnnlEngine(), DNNL_MEMORY_NONE), ym(data, dnnlEngine(), y.get_data_handle());
  dnnl::memory gm(param, dnnlEngine(), const_cast<float*>(gamma)), bm(param, dnnlEngine(), const_cast<float*>(beta));
  b.actions.push_back([ln, x, xm, ym, gm, bm, gamma, beta, t]() mutable {
    ThreadScope s(t);
    xm.set_data_handle(x.get_data_handle());  // x may be a plan input (its handle is set per run)
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, xm}, {DNNL_ARG_DST, ym}};
    if (gamma) args.emplace(DNNL_ARG_SCALE, gm);
    if (beta) args.emplace(DNNL_ARG_SHIFT, bm);
    ln.execute(dnnlStream(), args);
  });
  b.add(xd, y);
}

void buildGroupNorm(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const dims xd = b.values.at(v).dims;
  if (xd.size() < 3) fail(code::kArgs, "netPlan: group norm expects (N, C, ...)");
  const double eps = op.p.at(0);
  const int64_t c = xd[1], groups = numAt(op, 1) > 0 ? numAt(op, 1) : c, total = countOf(xd);
  if (c % groups) fail(code::kArgs, "netPlan: %lld groups do not divide %lld channels", static_cast<long long>(groups), static_cast<long long>(c));
  const int64_t rows = xd[0] * groups, inner = total / rows, spatial = total / (xd[0] * c);
  const float* gamma = bufAt(op, 0, c, "gamma");
  const float* beta = bufAt(op, 1, c, "beta");
  dnnl::memory x = b.plain(v);
  dnnl::memory y = b.activation(plainDesc(xd));
  const dnnl::memory::desc data({rows, inner}, dt::f32, tag::ab), stat({rows}, dt::f32, tag::a);
  const int t = threadsFor(static_cast<double>(total), kElemsPerThread);
  ThreadScope scope(t);
  dnnl::layer_normalization_forward::desc d(dnnl::prop_kind::forward_inference, data, stat, static_cast<float>(eps), dnnl::normalization_flags::none);
  dnnl::layer_normalization_forward ln(dnnl::layer_normalization_forward::primitive_desc(d, dnnlEngine()));
  dnnl::memory xm(data, dnnlEngine(), DNNL_MEMORY_NONE), ym(data, dnnlEngine(), y.get_data_handle());
  const int64_t planes = xd[0] * c;
  b.actions.push_back([ln, x, xm, ym, gamma, beta, planes, c, spatial, t]() mutable {
    ThreadScope s(t);
    xm.set_data_handle(x.get_data_handle());
    ln.execute(dnnlStream(), {{DNNL_ARG_SRC, xm}, {DNNL_ARG_DST, ym}});
    dnnlStream().wait();
    if (!gamma && !beta) return;
    float* ys = f32(ym);
    parallelFor(planes, planes * spatial >= kParallelMin, [&](int64_t r) {
      const float g = gamma ? gamma[r % c] : 1.f, sh = beta ? beta[r % c] : 0.f;
      for (int64_t i = 0; i < spatial; i++) ys[r * spatial + i] = ys[r * spatial + i] * g + sh;
    });
  });
  b.add(xd, y);
}

void buildEmbed(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const dims idd = b.values.at(v).dims;
  const int64_t vocab = numAt(op, 0), dim = numAt(op, 1);
  const bool ints = numAt(op, 2) != 0;
  if (ints && static_cast<size_t>(v) >= b.inputs) fail(code::kArgs, "netPlan: int32 ids must be a plan input");
  const float* w = bufAt(op, 0, vocab * dim, "embedding weight");
  if (!w) fail(code::kArgs, "netPlan: embedding needs a weight");
  dims yd = idd;
  yd.push_back(dim);
  if (yd.size() > 6) fail(code::kArgs, "netPlan: embedding ids have at most 5 dims");
  const int64_t n = countOf(idd);
  dnnl::memory ids = ints ? b.values[v].mem : b.plain(v);
  dnnl::memory y = b.activation(plainDesc(yd));
  b.actions.push_back([ids, y, w, vocab, dim, n, ints]() mutable {
    dnnlStream().wait();
    std::vector<int64_t> rows(static_cast<size_t>(n));
    const void* src = ids.get_data_handle();
    for (int64_t i = 0; i < n; i++) {  // checked first, serially: a bad id fails the run before any write
      // Float ids are truncated, as eager mode's take casts them to int32.
      const double id = ints ? static_cast<const int32_t*>(src)[i] : std::trunc(static_cast<const float*>(src)[i]);
      if (!(id >= 0 && id < static_cast<double>(vocab)))
        fail(code::kBounds, "embedding: id %g at position %lld is outside [0, %lld)", id, static_cast<long long>(i), static_cast<long long>(vocab));
      rows[static_cast<size_t>(i)] = static_cast<int64_t>(id);
    }
    float* ys = f32(y);
    ThreadScope s(threadsFor(static_cast<double>(n * dim), kElemsPerThread));
    parallelFor(n, n * dim >= kParallelMin, [&](int64_t i) {
      std::memcpy(ys + i * dim, w + rows[static_cast<size_t>(i)] * dim, static_cast<size_t>(dim) * sizeof(float));
    });
  });
  b.add(yd, y);
}

void buildTableAdd(NetBuild& b, const NetOp& op) {
  const int v = op.in.at(0);
  const dims xd = b.values.at(v).dims;
  const int64_t inner = numAt(op, 0), total = countOf(xd);
  if (inner < 1 || total % inner) fail(code::kArgs, "netPlan: a table of %lld elements does not tile the input", static_cast<long long>(inner));
  const float* table = bufAt(op, 0, inner, "position table");
  if (!table) fail(code::kArgs, "netPlan: tableAdd needs its table");
  dnnl::memory x = b.plain(v);
  dnnl::memory y = b.activation(plainDesc(xd));
  b.actions.push_back([x, y, table, inner, total]() mutable {
    dnnlStream().wait();
    const float* xs = f32(x);
    float* ys = f32(y);
    const int64_t outer = total / inner;
    ThreadScope s(threadsFor(static_cast<double>(total), kElemsPerThread));
    parallelFor(outer, total >= kParallelMin, [&](int64_t r) {
      for (int64_t j = 0; j < inner; j++) ys[r * inner + j] = xs[r * inner + j] + table[j];
    });
  });
  b.add(xd, y);
}

namespace {

// A matrix of every (batch, head) inside a buffer: element (n, h, r, c) at
// base + off + n·batchStride + r·rowStride + h·headWidth + c.
struct Heads {
  dnnl::memory src;  // the buffer (its handle read at run time)
  int64_t off, rows, width, batchStride, rowStride;
};

dnnl::memory::desc headsDesc(const Heads& m, int64_t n, int64_t h, int64_t cols, bool transposed) {
  // transposed: the (cols, rows) view of m, as the weights of q·kᵀ.
  return transposed ? dnnl::memory::desc({n, h, cols, m.rows}, dt::f32, dims{m.batchStride, cols, 1, m.rowStride})
                    : dnnl::memory::desc({n, h, m.rows, cols}, dt::f32, dims{m.batchStride, cols, m.rowStride, 1});
}

// softmax(q·kᵀ·scale + mask)·v for every (n, h), written to out (n, rows, h, dv) joined. The
// mask is a loop of its own: a binary post-op broadcast over (n, h) sends oneDNN 2.6's matmul to
// its reference kernel (25× slower here).
// pad (optional, plain (n, S)): a key-padding mask, −1e9 added where it is nonzero (after the causal mask, as eager mode).
void attendHeads(NetBuild& b, const Heads& q, const Heads& k, const Heads& v, int64_t n, int64_t h, int64_t d, int64_t dv, bool causal,
                 dnnl::memory out, dnnl::memory pad = dnnl::memory()) {
  const bool padded = static_cast<bool>(pad);
  const int64_t l = q.rows, s = k.rows;
  const double macs = static_cast<double>(n) * h * l * s * (d + dv);
  const int t = threadsFor(macs);
  ThreadScope scope(t);
  const dnnl::memory::desc qd = headsDesc(q, n, h, d, false), kd = headsDesc(k, n, h, d, true), vd = headsDesc(v, n, h, dv, false);
  const dnnl::memory::desc sd({n, h, l, s}, dt::f32, tag::abcd), od({n, h, l, dv}, dt::f32, dims{l * h * dv, dv, h * dv, 1});
  dnnl::primitive_attr attr;
  attr.set_output_scales(0, {static_cast<float>(1.0 / std::sqrt(static_cast<double>(d)))});
  dnnl::matmul scoresMm(dnnl::matmul::primitive_desc(dnnl::matmul::desc(qd, kd, sd), attr, dnnlEngine()));
  dnnl::softmax_forward softmax(
      dnnl::softmax_forward::primitive_desc(dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, dnnl::memory::desc({n * h * l, s}, dt::f32, tag::ab), 1),
                                            dnnlEngine()));
  dnnl::matmul mixMm(dnnl::matmul::primitive_desc(dnnl::matmul::desc(sd, vd, od), dnnlEngine()));
  dnnl::memory scores = b.activation(sd);
  dnnl::memory flat(dnnl::memory::desc({n * h * l, s}, dt::f32, tag::ab), dnnlEngine(), scores.get_data_handle());
  dnnl::memory qm(qd, dnnlEngine(), DNNL_MEMORY_NONE), km(kd, dnnlEngine(), DNNL_MEMORY_NONE), vm(vd, dnnlEngine(), DNNL_MEMORY_NONE);
  dnnl::memory om(od, dnnlEngine(), out.get_data_handle());
  const Heads qh = q, kh = k, vh = v;
  b.actions.push_back([=]() mutable {
    ThreadScope ts(t);
    qm.set_data_handle(f32(qh.src) + qh.off);
    km.set_data_handle(f32(kh.src) + kh.off);
    vm.set_data_handle(f32(vh.src) + vh.off);
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, qm}, {DNNL_ARG_WEIGHTS, km}, {DNNL_ARG_DST, scores}};
    scoresMm.execute(dnnlStream(), args);
    if (causal) {  // attention-core.ts causalMask: −1e9 added where key j > query i + (S − L)
      dnnlStream().wait();
      float* sc = f32(scores);
      parallelFor(n * h * l, n * h * l * s >= kParallelMin, [&](int64_t row) {
        float* r = sc + row * s;
        for (int64_t j = std::max<int64_t>(0, row % l + (s - l) + 1); j < s; j++) r[j] += -1e9f;
      });
    }
    if (padded) {  // attention-core.ts paddingBias
      dnnlStream().wait();
      float* sc = f32(scores);
      const float* mask = f32(pad);
      parallelFor(n * h * l, n * h * l * s >= kParallelMin, [&](int64_t row) {
        float* r = sc + row * s;
        const float* m = mask + (row / (h * l)) * s;
        for (int64_t j = 0; j < s; j++)
          if (m[j] != 0.f) r[j] += -1e9f;
      });
    }
    softmax.execute(dnnlStream(), {{DNNL_ARG_SRC, flat}, {DNNL_ARG_DST, flat}});
    mixMm.execute(dnnlStream(), {{DNNL_ARG_SRC, scores}, {DNNL_ARG_WEIGHTS, vm}, {DNNL_ARG_DST, om}});
  });
}

// out (rows, units) = x (rows, in) · wᵀ + bias, on the eager linear kernel (linear_cpu.cc).
void project(NetBuild& b, dnnl::memory x, dnnl::memory y, const float* w, const float* bias, int64_t rows, int64_t in, int64_t units) {
  b.actions.push_back([x, y, w, bias, rows, in, units]() mutable {
    dnnlStream().wait();
    linearCpu(LinearParams{DType::F32, x.get_data_handle(), w, bias, y.get_data_handle(), rows, in, units, -1});
  });
}

}  // namespace

void buildAttention(NetBuild& b, const NetOp& op) {
  const int64_t heads = numAt(op, 0);
  const bool causal = numAt(op, 1) != 0, proj = numAt(op, 2) != 0;
  if (op.in.empty() || op.in.size() > 4 || (!proj && op.in.size() != 3)) fail(code::kArgs, "netPlan: attention takes query, key and value");
  const int qv = op.in[0], kv = op.in.size() > 1 ? op.in[1] : qv, vv = op.in.size() > 2 ? op.in[2] : kv;
  const dims qd = b.values.at(qv).dims, kd = b.values.at(kv).dims, vd = b.values.at(vv).dims;
  if (qd.size() < 2 || kd.size() != qd.size() || vd.size() != qd.size()) fail(code::kArgs, "netPlan: attention inputs need one rank >= 2");
  const size_t r = qd.size();
  if (!proj) {  // scaled dot-product attention over (B, L, d)
    int64_t batch = 1;
    for (size_t i = 0; i + 2 < r; i++) {
      if (kd[i] != qd[i] || vd[i] != qd[i]) fail(code::kArgs, "netPlan: attention inputs differ in their leading dims");
      batch *= qd[i];
    }
    const int64_t l = qd[r - 2], d = qd[r - 1], s = kd[r - 2], dv = vd[r - 1];
    if (kd[r - 1] != d || vd[r - 2] != s) fail(code::kArgs, "netPlan: attention key / value shapes do not match the query");
    dims yd = qd;
    yd[r - 1] = dv;
    dnnl::memory y = b.activation(plainDesc(yd));
    attendHeads(b, Heads{b.plain(qv), 0, l, d, l * d, d}, Heads{b.plain(kv), 0, s, d, s * d, d}, Heads{b.plain(vv), 0, s, dv, s * dv, dv}, batch,
                1, d, dv, causal, y);
    b.add(yd, y);
    return;
  }
  if (r != 3) fail(code::kArgs, "netPlan: multi-head attention takes (N, T, E)");
  const int64_t n = qd[0], l = qd[1], e = qd[2], s = kd[1];
  if (heads < 1 || e % heads) fail(code::kArgs, "netPlan: %lld heads do not divide the width %lld", static_cast<long long>(heads), static_cast<long long>(e));
  const int64_t kdim = kd[2], vdim = vd[2];
  if (kd[0] != n || vd[0] != n || vd[1] != s) fail(code::kArgs, "netPlan: attention key / value must be (N, S, features)");
  const float* inW = bufAt(op, 0, 3 * e * e, "in_proj_weight");
  // Separate projections (kdim or vdim other than E: PyTorch's q/k/v_proj_weight) when in_proj is null.
  const float* sep[3] = {bufAt(op, 4, e * e, "q_proj_weight"), bufAt(op, 5, e * kdim, "k_proj_weight"), bufAt(op, 6, e * vdim, "v_proj_weight")};
  if (!inW && !(sep[0] && sep[1] && sep[2])) fail(code::kArgs, "netPlan: attention needs in_proj_weight or q/k/v_proj_weight");
  if (inW && (kdim != e || vdim != e)) fail(code::kArgs, "netPlan: a packed in-projection takes keys and values of E features");
  const float* inB = bufAt(op, 1, 3 * e, "in_proj_bias");
  const float* outW = bufAt(op, 2, e * e, "out_proj_weight");
  const float* outB = bufAt(op, 3, e, "out_proj_bias");
  if (!outW) fail(code::kArgs, "netPlan: attention needs out_proj_weight");
  const int64_t d = e / heads;
  Heads q{}, k{}, v{};
  if (op.in.size() == 1 && inW) {  // self-attention: one (3E, E) projection, the heads read in place
    dnnl::memory qkv = b.activation(plainDesc({n * l, 3 * e}));
    project(b, b.plain(qv), qkv, inW, inB, n * l, e, 3 * e);
    q = Heads{qkv, 0, l, d, l * 3 * e, 3 * e};
    k = Heads{qkv, e, l, d, l * 3 * e, 3 * e};
    v = Heads{qkv, 2 * e, l, d, l * 3 * e, 3 * e};
  } else {
    const int src[3] = {qv, kv, vv};
    const int64_t rows[3] = {l, s, s}, width[3] = {e, kdim, vdim};
    Heads* hs[3] = {&q, &k, &v};
    for (int i = 0; i < 3; i++) {
      dnnl::memory m = b.activation(plainDesc({n * rows[i], e}));
      project(b, b.plain(src[i]), m, inW ? inW + i * e * e : sep[i], inB ? inB + i * e : nullptr, n * rows[i], width[i], e);
      *hs[i] = Heads{m, 0, rows[i], d, rows[i] * e, e};
    }
  }
  dnnl::memory joined = b.activation(plainDesc({n * l, e}));
  dnnl::memory pad;
  if (op.in.size() == 4) {
    if (b.values.at(op.in[3]).dims != dims{n, s}) fail(code::kArgs, "netPlan: the key-padding mask must be (N, S)");
    pad = b.plain(op.in[3]);
  }
  attendHeads(b, q, k, v, n, heads, d, d, causal, joined, pad);
  dnnl::memory y = b.activation(plainDesc(qd));
  project(b, joined, y, outW, outB, n * l, e, e);
  b.add(qd, y);
}

}  // namespace bs
