// Eager float32 convolutions on oneDNN's blocked layouts. On the engine's NCHW arrays oneDNN 2.6
// has only im2col + GEMM (`gemm:jit`): LeNet's first convolution at batch 64 took 4.3 ms there, a
// 16-channel 3×3 one of the ResNet example 1.8 ms (40 GFLOP/s). Its direct kernels want blocked
// layouts (nChw8c / nChw16c, weights OIhw8i8o, ...), so a pass that uses each weight at enough
// positions runs on blocked copies: the input reordered in, the weights reordered every call
// (training changes them each step, and eager mode keeps no packed copy), the output reordered
// back. Each reorder is one memory pass, C·KH·KW times less work than the convolution.
//
// Forward and backward-data run image by image where the thread policy asks for chunks (threading.h
// chunkRowsFor, a core taken by another process): each chunk reorders, convolves and reorders its
// own images on one thread, on the whole's layouts (the batch is their outermost dim). The weight
// gradient sums over images and runs whole, as on the plain path.
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "../parallel.h"
#include "conv_dnnl.h"

namespace bs {

namespace {

// Below this many output positions (n·oh·ow) per weight, the per-call weight reorder outweighs
// the faster kernel (a batch-1 7×7 layer of ResNet-18 reads 2.4 M weights for 49 positions).
constexpr int64_t kMinPositions = 64;
constexpr int64_t kBlockedFlag = 0x626c6b;  // "blk": keeps these primitives apart from the plain path's

// BLOCKSMITH_CONV_LAYOUT=plain keeps every eager convolution on NCHW (for A/B runs).
bool blockedEnabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("BLOCKSMITH_CONV_LAYOUT");
    return !(v && std::strcmp(v, "plain") == 0);
  }();
  return enabled;
}

enum Pass : int64_t { kForward = 0, kBackwardData = 1 };
// threadMemory slots: the copies one pass holds at once.
constexpr int kInSlot = 0, kOutSlot = 1, kWeightsSlot = 2;

enum Role : int64_t { kOp = 0, kInToBlocked, kOutToPlain, kWeights, kSrcToBlocked, kDstToBlocked, kWeightsToPlain };

// One pass over images: forward (x → y) or the data gradient (dy → dx).
struct PassSpec {
  const ConvParams& p;
  Pass pass;
  bool fuse;
  dnnl::algorithm alg;
  PrimKind kind() const { return pass == kForward ? PrimKind::Conv : PrimKind::ConvBackwardData; }
  int64_t algKey() const { return fuse ? static_cast<int64_t>(alg) : -1; }
};

// The pass's primitive for geometry g: md = {src, weights, bias, dst} layouts (for the data
// gradient, diff_src and diff_dst). With `whole`, on its layouts with g's batch (a chunk's
// primitive); else on the layouts oneDNN prefers. Empty where oneDNN has only im2col + GEMM or its
// reference kernel for them (the plain path is as fast), or no kernel on the whole's layouts.
CachedPrim passOp(const PassSpec& s, const ConvGeom& g, const CachedPrim* whole, bool userScratch) {
  const bool bias = s.pass == kForward && s.p.bias != nullptr;
  return getPrimitive(convKey(s.kind(), g, {kBlockedFlag, kOp, bias, s.algKey(), userScratch, whole != nullptr}), [&] {
    ConvDescs d(g);
    if (whole) {
      d.src = batchRows(whole->md[0], g.n);
      d.wei = whole->md[1];
      d.dst = batchRows(whole->md[3], g.n);
    } else {
      d.anyLayouts();
    }
    CachedPrim made;
    try {
      dnnl::primitive_attr attr = scratchAttr(userScratch);
      if (s.pass == kForward) {
        if (s.fuse) {
          dnnl::post_ops ops;
          ops.append_eltwise(1.f, s.alg, 0.f, 0.f);
          attr.set_post_ops(ops);
        }
        dnnl::convolution_forward::primitive_desc pd(d.forward(dnnl::prop_kind::forward_inference, bias), attr, dnnlEngine());
        if (isRefImpl(pd) || isGemmImpl(pd)) return made;
        made.prim = dnnl::convolution_forward(pd);
        made.md[0] = pd.src_desc();
        made.md[1] = pd.weights_desc();
        made.md[2] = d.bias;
        made.md[3] = pd.dst_desc();
        if (userScratch) made.scratchpadBytes = pd.scratchpad_desc().get_size();
      } else {
        dnnl::convolution_forward::primitive_desc hint(d.forward(dnnl::prop_kind::forward_training, false), dnnlEngine());
        dnnl::convolution_backward_data::primitive_desc pd(d.backwardData(), attr, dnnlEngine(), hint);
        if (isRefImpl(pd) || isGemmImpl(pd)) return made;
        made.prim = dnnl::convolution_backward_data(pd);
        made.md[0] = pd.diff_src_desc();
        made.md[1] = pd.weights_desc();
        made.md[3] = pd.diff_dst_desc();
        if (userScratch) made.scratchpadBytes = pd.scratchpad_desc().get_size();
      }
    } catch (const dnnl::error&) {
      made = CachedPrim{};  // no kernel on these layouts: the caller runs the plain path or the whole
    }
    return made;
  });
}

// A reorder from -> to, cached under (kind, g, role): the layouts follow from those.
CachedPrim reorderPrim(PrimKind kind, const ConvGeom& g, Role role, int64_t flags, const dnnl::memory::desc& from,
                       const dnnl::memory::desc& to, bool userScratch) {
  return getPrimitive(convKey(kind, g, {kBlockedFlag, role, flags, userScratch}), [&] {
    CachedPrim made;
    dnnl::reorder::primitive_desc pd(dnnlEngine(), from, dnnlEngine(), to, scratchAttr(userScratch));
    made.prim = dnnl::reorder(pd);
    made.md[0] = from;
    made.md[3] = to;
    if (userScratch) made.scratchpadBytes = pd.scratchpad_desc().get_size();
    return made;
  });
}

void execute(const CachedPrim& c, std::unordered_map<int, dnnl::memory> args) {
  if (c.scratchpadBytes) args.emplace(DNNL_ARG_SCRATCHPAD, threadScratchpad(c.scratchpadBytes));
  c.prim.execute(dnnlStream(), args);
}

void reorder(const CachedPrim& c, const dnnl::memory& from, const dnnl::memory& to) {
  execute(c, {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}});
}

// `plain` in `layout`: the same memory when they agree, else a new buffer the reorder fills.
dnnl::memory blockedCopy(const PassSpec& s, const ConvGeom& g, Role role, const dnnl::memory& plain,
                         const dnnl::memory::desc& layout, bool userScratch) {
  if (plain.get_desc() == layout) return plain;
  dnnl::memory to = threadMemory(role == kWeights ? kWeightsSlot : kInSlot, layout);
  reorder(reorderPrim(s.kind(), g, role, s.pass * 16 + s.algKey() + 1, plain.get_desc(), layout, userScratch), plain, to);
  return to;
}

// Images r0 .. r0 + g.n - 1 of the pass through `op` (made for g.n images) with weights `w`.
void passImages(const PassSpec& s, const ConvGeom& g, const CachedPrim& op, const dnnl::memory& w, int64_t r0, bool userScratch) {
  const ConvGeom& whole = s.p.g;
  const ConvDescs d(g);
  const bool fwd = s.pass == kForward;
  const size_t inImage = static_cast<size_t>(fwd ? whole.c * whole.h * whole.w : whole.o * whole.oh * whole.ow) * sizeof(float);
  const size_t outImage = static_cast<size_t>(fwd ? whole.o * whole.oh * whole.ow : whole.c * whole.h * whole.w) * sizeof(float);
  const char* inBase = static_cast<const char*>(fwd ? s.p.x : s.p.dy);
  char* outBase = static_cast<char*>(fwd ? s.p.y : s.p.dx);
  const dnnl::memory in = blockedCopy(s, g, kInToBlocked, wrapMemory(fwd ? d.src : d.dst, inBase + r0 * inImage),
                                      op.md[fwd ? 0 : 3], userScratch);
  const dnnl::memory outPlain = wrapMemory(fwd ? d.dst : d.src, outBase + r0 * outImage);
  const dnnl::memory::desc& outLayout = op.md[fwd ? 3 : 0];
  const dnnl::memory out = outPlain.get_desc() == outLayout ? outPlain : threadMemory(kOutSlot, outLayout);
  if (fwd) {
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, in}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, out}};
    if (s.p.bias) args.emplace(DNNL_ARG_BIAS, wrapMemory(op.md[2], s.p.bias));
    execute(op, std::move(args));
  } else {
    execute(op, {{DNNL_ARG_DIFF_DST, in}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DIFF_SRC, out}});
  }
  if (out.get_data_handle() != outPlain.get_data_handle())
    reorder(reorderPrim(s.kind(), g, kOutToPlain, s.pass * 16 + s.algKey() + 1, outLayout, outPlain.get_desc(), userScratch),
            out, outPlain);
}

bool runPass(const PassSpec& s) {
  const ConvGeom& g = s.p.g;
  if (!blockedEnabled() || g.n * g.oh * g.ow < kMinPositions) return false;
  const CachedPrim whole = passOp(s, g, nullptr, false);
  if (!whole.prim) return false;
  const dnnl::memory w = blockedCopy(s, g, kWeights, wrapMemory(ConvDescs(g).wei, s.p.w), whole.md[1], false);
  const int64_t rows = chunkRowsFor(g.n, convWork(g), policy::kImageChunkMin);
  if (rows > 0) {
    ThreadScope one(1);
    ConvGeom full = g, last = g;
    full.n = rows;
    const int64_t chunks = (g.n + rows - 1) / rows;
    last.n = g.n - (chunks - 1) * rows;
    const CachedPrim cFull = passOp(s, full, &whole, true), cLast = last.n == rows ? cFull : passOp(s, last, &whole, true);
    if (cFull.prim && cLast.prim) {
      parallelChunks(chunks, threadBudget(), [&](int64_t k) {
        ThreadScope single(1);
        const bool isLast = k + 1 == chunks;
        passImages(s, isLast ? last : full, isLast ? cLast : cFull, w, k * rows, true);
        dnnlStream().wait();
      });
      return true;
    }
  }
  passImages(s, g, whole, w, 0, false);
  dnnlStream().wait();
  return true;
}

}  // namespace

bool convForwardBlocked(const ConvParams& p, bool fuse, dnnl::algorithm alg) {
  return runPass(PassSpec{p, kForward, fuse, alg});
}

// With one input channel (LeNet's first convolution) oneDNN's direct data gradient was slower
// than im2col + GEMM on NCHW (4.7 against 2.3 ms at batch 64); with six (its second) faster
// (conv bench fwd+bwd 1.8 against 2.5-3.0 ms).
bool convBackwardDataBlocked(const ConvParams& p) {
  if (p.g.c < 4) return false;
  return runPass(PassSpec{p, kBackwardData, false, dnnl::algorithm::eltwise_relu});
}

// The weight (and bias) gradient: a sum over every image, so one primitive over the whole batch.
bool convBackwardWeightsBlocked(const ConvParams& p) {
  const ConvGeom& g = p.g;
  if (!blockedEnabled() || g.n * g.oh * g.ow < kMinPositions || !p.dw) return false;
  const bool withBias = p.db != nullptr;
  const PrimKind kind = PrimKind::ConvBackwardWeights;
  const CachedPrim op = getPrimitive(convKey(kind, g, {kBlockedFlag, kOp, withBias}), [&] {
    ConvDescs d(g);
    d.anyLayouts();
    CachedPrim made;
    try {
      dnnl::convolution_forward::primitive_desc hint(d.forward(dnnl::prop_kind::forward_training, withBias), dnnlEngine());
      dnnl::convolution_backward_weights::primitive_desc pd(d.backwardWeights(withBias), dnnlEngine(), hint);
      if (isRefImpl(pd) || isGemmImpl(pd)) return made;
      made.prim = dnnl::convolution_backward_weights(pd);
      made.md[0] = pd.src_desc();
      made.md[1] = pd.diff_weights_desc();
      made.md[2] = d.bias;
      made.md[3] = pd.diff_dst_desc();
    } catch (const dnnl::error&) {
      made = CachedPrim{};
    }
    return made;
  });
  if (!op.prim) return false;
  const ConvDescs d(g);
  auto copyIn = [&](Role role, const dnnl::memory::desc& plain, const void* data, const dnnl::memory::desc& layout) {
    const dnnl::memory from = wrapMemory(plain, data);
    if (plain == layout) return from;
    dnnl::memory to = threadMemory(role == kSrcToBlocked ? kInSlot : kOutSlot, layout);
    reorder(reorderPrim(kind, g, role, withBias, plain, layout, false), from, to);
    return to;
  };
  const dnnl::memory src = copyIn(kSrcToBlocked, d.src, p.x, op.md[0]);
  const dnnl::memory dy = copyIn(kDstToBlocked, d.dst, p.dy, op.md[3]);
  const dnnl::memory dwPlain = wrapMemory(d.wei, p.dw);
  const dnnl::memory dw = op.md[1] == d.wei ? dwPlain : threadMemory(kWeightsSlot, op.md[1]);
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_WEIGHTS, dw}};
  if (withBias) args.emplace(DNNL_ARG_DIFF_BIAS, wrapMemory(d.bias, p.db));
  execute(op, std::move(args));
  if (dw.get_data_handle() != dwPlain.get_data_handle())
    reorder(reorderPrim(kind, g, kWeightsToPlain, withBias, op.md[1], d.wei, false), dw, dwPlain);
  dnnlStream().wait();
  return true;
}

}  // namespace bs
