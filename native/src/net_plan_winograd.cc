// Winograd F(2×2, 3×3) for the convolution step of a compiled graph forward (net_plan.h), where
// oneDNN 2.6 has none (its Winograd kernels are AVX-512 only; on AVX2 it runs a direct 3×3
// convolution). Each 2×2 output tile comes from a 4×4 input patch: V = Bᵀ d B per input channel,
// M = V · U summed over channels (16 products, one per patch position: a batched matmul), and
// Y = Aᵀ M A per output channel — 16 multiply-adds per 4 outputs and channel pair instead of 36.
//
// - at build: the folded weights g (K, C, 3, 3) become U = G g Gᵀ, 16 matrices [C × K];
// - per run: the tiles of the batch, in blocks small enough that V and M stay in L2, are taken by
//   our chunk pool's threads as they come (parallel.h parallelChunks: a thread whose core another
//   process keeps busy takes fewer); per block, the input transform reads the nChw8c input into a
//   thread buffer V [16 × tiles × C] (8 channels per AVX2 register), the products give
//   M [16 × tiles × K] — in registers, 8 tiles at a time through all three stages, up to
//   kMicroMaxChannels input channels; above, one single-threaded oneDNN batched matmul per block —
//   and the output transform adds the bias (and the residual), applies relu and writes the
//   nChw8c output.
//
// Used for 3×3, stride 1, padding 1, no dilation, one group, channels a multiple of 8, relu or no
// activation, on CPUs with AVX2 and FMA, where it measured faster (winogradPays);
// BLOCKSMITH_WINOGRAD=0 keeps the direct convolution, =1 takes Winograd wherever the shape fits
// (read when a plan is built).
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "dnnl_common.h"
#include "net_plan.h"
#include "ops/unary.h"
#include "parallel.h"

namespace bs {

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

std::atomic<int64_t> runCount{0};

// Bytes of V and M one block may take (16 × tiles × (C + K) floats): half of a 1 MiB L2, the rest
// for U's share and the input patches.
constexpr int64_t kBlockBytes = 512 << 10;
// Rows of a block's products at least: fewer make the matmul's per-call cost dominate.
constexpr int64_t kMinTiles = 16;

// Where Winograd measured faster than oneDNN's jit:avx2 direct convolution, single-threaded (CPU
// time per call, the ResNet example's 3×3 stride-1 layers at batch 16; see docs/model-layer.md):
// with the products on oneDNN's matmul, channels C = K = 16 on 32×32 images took 1.09× the direct
// CPU time (the transforms' round trips through L2 unpaid), 32 on 16×16 0.85×, 64 on 8×8 0.63×,
// 128 on 4×4 0.49× (test/bench/winograd-ab.ts, BLOCKSMITH_THREADS=1, three stacked conv + relu);
// with few channels the products now run in registers, 8 tiles at a time (below), and 16 channels
// pay too.
constexpr int64_t kMinChannels = 16;
// Channels up to which the products run in registers (microProducts) rather than on oneDNN.
// Measured single-threaded (CPU time per call, three stacked conv + relu at batch 16, against the
// direct convolution): 16 channels on 32×32 0.82× (oneDNN's matmul: 1.10–1.32×), 32 on 16×16
// 0.66× (0.86–0.88×), 64 on 8×8 0.59–0.61× (0.67×), 128 on 4×4 0.67× (0.46–0.57×).
constexpr int64_t kMicroMaxChannels = 64;
// Tiles per pass of the in-register path (V and M of 8 tiles at 64 channels: 32 KiB each), and
// per block a thread takes.
constexpr int64_t kMicroTiles = 8;
constexpr int64_t kMicroBlockTiles = 64;

// And only where the products are big enough: tiles × C × K ≥ kMinWork (single-threaded, 32
// channels on 16×16 at batch 1, 64 tiles: 1.12× the direct time; at batch 4: 0.92×), with a block
// of kMinTiles per thread (fewer tiles run on fewer threads than the direct convolution takes:
// the ResNet example at batch 1 on 2 threads took 1.2-1.5× the direct plan's wall time with its
// small layers as Winograd, though single-threaded its 64- and 128-channel layers took 0.8×).
constexpr double kMinWork = 1 << 18;

bool winogradPays(int64_t c, int64_t k, int64_t tiles) {
  return c >= kMinChannels && k >= kMinChannels && static_cast<double>(tiles) * c * k >= kMinWork && tiles >= kMinTiles * threadBudget();
}

// BLOCKSMITH_WINOGRAD_GEMM=dnnl / micro: the products on oneDNN's matmul or microProducts
// whatever the channels (A/B runs); unset: microProducts up to kMicroMaxChannels.
bool useMicroProducts(int64_t c) {
  const char* e = std::getenv("BLOCKSMITH_WINOGRAD_GEMM");
  if (e && std::strcmp(e, "dnnl") == 0) return false;
  if (e && std::strcmp(e, "micro") == 0) return true;
  return c <= kMicroMaxChannels;
}

bool cpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

// BLOCKSMITH_WINOGRAD: "0" never, "1" wherever the shape fits (tests of small channel counts, and
// the measurements behind kMinChannels), unset: where winogradPays.
int winogradSetting() {
  const char* e = std::getenv("BLOCKSMITH_WINOGRAD");
  if (e && e[0] == '0' && e[1] == 0) return 0;
  if (e && e[0] == '1' && e[1] == 0) return 1;
  return -1;
}

struct Geometry {
  int64_t n, c, k, h, w;
  int64_t tw, perImage, tiles;  // tiles per row, per image, in all
  bool relu;
};

// U[ξ][c][k] = (G g Gᵀ)[ξ] for g = the 3×3 kernel of (k, c); G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1].
void transformWeights(const float* g, int64_t kOut, int64_t cIn, float* u) {
  for (int64_t k = 0; k < kOut; k++)
    for (int64_t c = 0; c < cIn; c++) {
      const float* f = g + (k * cIn + c) * 9;
      float t[4][3];  // G g
      for (int j = 0; j < 3; j++) {
        t[0][j] = f[j];
        t[1][j] = 0.5f * (f[j] + f[3 + j] + f[6 + j]);
        t[2][j] = 0.5f * (f[j] - f[3 + j] + f[6 + j]);
        t[3][j] = f[6 + j];
      }
      for (int i = 0; i < 4; i++) {
        const float r[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
        for (int j = 0; j < 4; j++) u[((i * 4 + j) * cIn + c) * kOut + k] = r[j];
      }
    }
}

// V[ξ][t][c] for the `count` tiles from t0: Bᵀ d B, Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
__attribute__((target("avx2,fma"))) void inputTransform(const Geometry& g, const float* x, int64_t t0, int64_t count, float* v) {
  const int64_t cb = g.c / 8, plane = g.h * g.w * 8, rowStride = count * g.c;
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t t = 0; t < count; t++) {
    const int64_t tile = t0 + t, img = tile / g.perImage, r = tile % g.perImage;
    const int64_t y0 = 2 * (r / g.tw) - 1, x0 = 2 * (r % g.tw) - 1;
    for (int64_t b = 0; b < cb; b++) {
      const float* base = x + (img * cb + b) * plane;
      __m256 d[4][4];
      for (int i = 0; i < 4; i++) {
        const int64_t yy = y0 + i;
        for (int j = 0; j < 4; j++) {
          const int64_t xx = x0 + j;
          d[i][j] = yy >= 0 && yy < g.h && xx >= 0 && xx < g.w ? _mm256_load_ps(base + (yy * g.w + xx) * 8) : zero;
        }
      }
      __m256 s[4][4];  // Bᵀ d
      for (int j = 0; j < 4; j++) {
        s[0][j] = _mm256_sub_ps(d[0][j], d[2][j]);
        s[1][j] = _mm256_add_ps(d[1][j], d[2][j]);
        s[2][j] = _mm256_sub_ps(d[2][j], d[1][j]);
        s[3][j] = _mm256_sub_ps(d[1][j], d[3][j]);
      }
      float* out = v + t * g.c + b * 8;
      for (int i = 0; i < 4; i++) {
        _mm256_store_ps(out + (i * 4 + 0) * rowStride, _mm256_sub_ps(s[i][0], s[i][2]));
        _mm256_store_ps(out + (i * 4 + 1) * rowStride, _mm256_add_ps(s[i][1], s[i][2]));
        _mm256_store_ps(out + (i * 4 + 2) * rowStride, _mm256_sub_ps(s[i][2], s[i][1]));
        _mm256_store_ps(out + (i * 4 + 3) * rowStride, _mm256_sub_ps(s[i][1], s[i][3]));
      }
    }
  }
}

// The output tiles from M: Aᵀ M A + bias (+ the residual, nChw8c like y; it may be y itself),
// then relu; Aᵀ = [1 1 1 0; 0 1 -1 -1]. Parts of a tile past the image's edge are not written.
__attribute__((target("avx2,fma"))) void outputTransform(const Geometry& g, const float* m, const float* bias, const float* res, float* y,
                                                         int64_t t0, int64_t count) {
  const int64_t kb = g.k / 8, plane = g.h * g.w * 8, rowStride = count * g.k;
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t t = 0; t < count; t++) {
    const int64_t tile = t0 + t, img = tile / g.perImage, r = tile % g.perImage;
    const int64_t oy = 2 * (r / g.tw), ox = 2 * (r % g.tw);
    const bool full = oy + 1 < g.h && ox + 1 < g.w;
    for (int64_t b = 0; b < kb; b++) {
      const float* in = m + t * g.k + b * 8;
      __m256 s[2][4];  // Aᵀ M
      for (int j = 0; j < 4; j++) {
        const __m256 m0 = _mm256_load_ps(in + j * rowStride), m1 = _mm256_load_ps(in + (4 + j) * rowStride);
        const __m256 m2 = _mm256_load_ps(in + (8 + j) * rowStride), m3 = _mm256_load_ps(in + (12 + j) * rowStride);
        s[0][j] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
        s[1][j] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
      }
      const __m256 bv = _mm256_loadu_ps(bias + b * 8);
      const size_t at = static_cast<size_t>((img * kb + b) * plane + (oy * g.w + ox) * 8);
      for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
          if (!full && (oy + i >= g.h || ox + j >= g.w)) continue;
          __m256 o = j == 0 ? _mm256_add_ps(_mm256_add_ps(s[i][0], s[i][1]), s[i][2]) : _mm256_sub_ps(_mm256_sub_ps(s[i][1], s[i][2]), s[i][3]);
          o = _mm256_add_ps(o, bv);
          const size_t off = at + static_cast<size_t>((i * g.w + j) * 8);
          if (res) o = _mm256_add_ps(o, _mm256_load_ps(res + off));
          if (g.relu) o = _mm256_max_ps(o, zero);
          _mm256_store_ps(y + off, o);
        }
    }
  }
}

// M[ξ] = V[ξ] · U[ξ] for the 16 ξ of one block, in registers: for few channels (C ≤
// kMicroMaxChannels) oneDNN's batched matmul of such thin products ([rows × 16] · [16 × 16]) costs
// more than the products; here four tiles × two 8-wide column blocks of K are accumulated at once,
// so each load of U feeds four multiply-adds (U: 16 × C × K floats, in L1 for these sizes).
__attribute__((target("avx2,fma"))) void microProducts(const float* v, const float* u, float* m, int64_t rows, int64_t c, int64_t k) {
  for (int64_t xi = 0; xi < 16; xi++) {
    const float* vx = v + xi * rows * c;
    const float* ux = u + xi * c * k;
    float* mx = m + xi * rows * k;
    int64_t t = 0;
    for (; t + 4 <= rows; t += 4) {
      int64_t kb = 0;
      for (; kb + 16 <= k; kb += 16) {
        __m256 a[4][2];
        for (int i = 0; i < 4; i++) a[i][0] = a[i][1] = _mm256_setzero_ps();
        for (int64_t ci = 0; ci < c; ci++) {
          const __m256 u0 = _mm256_load_ps(ux + ci * k + kb), u1 = _mm256_load_ps(ux + ci * k + kb + 8);
          for (int i = 0; i < 4; i++) {
            const __m256 b = _mm256_broadcast_ss(vx + (t + i) * c + ci);
            a[i][0] = _mm256_fmadd_ps(b, u0, a[i][0]);
            a[i][1] = _mm256_fmadd_ps(b, u1, a[i][1]);
          }
        }
        for (int i = 0; i < 4; i++) {
          _mm256_store_ps(mx + (t + i) * k + kb, a[i][0]);
          _mm256_store_ps(mx + (t + i) * k + kb + 8, a[i][1]);
        }
      }
      for (; kb < k; kb += 8) {
        __m256 a[4];
        for (int i = 0; i < 4; i++) a[i] = _mm256_setzero_ps();
        for (int64_t ci = 0; ci < c; ci++) {
          const __m256 u0 = _mm256_load_ps(ux + ci * k + kb);
          for (int i = 0; i < 4; i++) a[i] = _mm256_fmadd_ps(_mm256_broadcast_ss(vx + (t + i) * c + ci), u0, a[i]);
        }
        for (int i = 0; i < 4; i++) _mm256_store_ps(mx + (t + i) * k + kb, a[i]);
      }
    }
    for (; t < rows; t++)
      for (int64_t kb = 0; kb < k; kb += 8) {
        __m256 a = _mm256_setzero_ps();
        for (int64_t ci = 0; ci < c; ci++) a = _mm256_fmadd_ps(_mm256_broadcast_ss(vx + t * c + ci), _mm256_load_ps(ux + ci * k + kb), a);
        _mm256_store_ps(mx + t * k + kb, a);
      }
  }
}

// The batched matmul of one block size: [16 × rows × C] · [16 × C × K], one thread.
struct Products {
  int64_t rows = 0;
  dnnl::matmul prim;
  dnnl::memory::desc v, m;
  size_t scratch = 0;
};

Products makeProducts(int64_t rows, int64_t c, int64_t k, const dnnl::memory::desc& u) {
  ThreadScope one(1);
  Products p;
  p.rows = rows;
  p.v = dnnl::memory::desc({16, rows, c}, dt::f32, tag::abc);
  p.m = dnnl::memory::desc({16, rows, k}, dt::f32, tag::abc);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);  // several threads run it at once
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(p.v, u, p.m), attr, dnnlEngine());
  p.scratch = pd.scratchpad_desc().get_size();
  p.prim = dnnl::matmul(pd);
  return p;
}

}  // namespace

int64_t winogradRunCount() { return runCount.load(std::memory_order_relaxed); }

bool buildWinogradConv(NetBuild& b, const NetOp& op, const ConvGeometry& cg, const std::vector<float>& weights, const std::vector<float>& bias) {
  const bool shapeFits = !cg.oneD && cg.kh == 3 && cg.kw == 3 && cg.sh == 1 && cg.sw == 1 && cg.ph == 1 && cg.pw == 1 && cg.dh == 1 &&
                         cg.dw == 1 && cg.groups == 1 && cg.c % 8 == 0 && cg.o % 8 == 0 && (cg.act < 0 || cg.act == kRelu);
  Geometry g{cg.n, cg.c, cg.o, cg.h, cg.w, (cg.w + 1) / 2, 0, 0, cg.act == kRelu};
  g.perImage = g.tw * ((cg.h + 1) / 2);
  g.tiles = g.n * g.perImage;
  const int setting = winogradSetting();
  if (!shapeFits || !cpuHasAvx2() || setting == 0 || (setting < 0 && !winogradPays(cg.c, cg.o, g.tiles))) return false;

  const dnnl::memory::desc uDesc({16, g.c, g.k}, dt::f32, tag::abc);
  dnnl::memory u = b.alloc(uDesc);
  transformWeights(weights.data(), g.k, g.c, static_cast<float*>(u.get_data_handle()));
  dnnl::memory bMem = b.alloc(dnnl::memory::desc({g.k}, dt::f32, tag::x));
  std::memcpy(bMem.get_data_handle(), bias.data(), static_cast<size_t>(g.k) * sizeof(float));

  // Blocks: as many tiles as fit kBlockBytes, but at least two blocks per thread when the batch
  // has the tiles (so a thread that gets no CPU leaves little to the others), kMinTiles at least.
  const int threads = threadBudget();
  int64_t rows = std::max<int64_t>(1, kBlockBytes / (16 * (g.c + g.k) * static_cast<int64_t>(sizeof(float))));
  rows = std::min(rows, std::max(kMinTiles, (g.tiles + 2 * threads - 1) / (2 * threads)));
  const bool micro = useMicroProducts(g.c);
  // The in-register path has no per-block cost: smaller blocks, more of them for the threads to share.
  if (micro) rows = std::min(rows, kMicroBlockTiles);
  rows = std::min(rows, g.tiles);
  const int64_t blocks = (g.tiles + rows - 1) / rows, rest = g.tiles - (blocks - 1) * rows;
  // oneDNN's matmul for the block sizes (not made for the in-register path, whose V and M hold
  // kMicroTiles tiles).
  std::shared_ptr<Products> full, last;
  if (!micro) {
    full = std::make_shared<Products>(makeProducts(rows, g.c, g.k, uDesc));
    last = rest == rows ? full : std::make_shared<Products>(makeProducts(rest, g.c, g.k, uDesc));
  }
  const dnnl::memory::desc microV({16, kMicroTiles, g.c}, dt::f32, tag::abc), microM({16, kMicroTiles, g.k}, dt::f32, tag::abc);

  const dnnl::memory::desc src({g.n, g.c, g.h, g.w}, dt::f32, tag::nChw8c), dst({g.n, g.k, g.h, g.w}, dt::f32, tag::nChw8c);
  const dnnl::memory::dims yd{g.n, g.k, g.h, g.w};
  dnnl::memory x = b.as(op.in[0], src);
  // A residual read by nothing after this step, already in the output's layout, becomes the
  // output: each tile reads its residual before writing the same place.
  dnnl::memory residual;
  bool inPlace = false;
  if (cg.hasSum) {
    if (op.in.size() < 2) fail(code::kArgs, "netPlan: conv with a sum needs the residual input");
    if (b.values.at(op.in[1]).dims != yd) fail(code::kArgs, "netPlan: the residual's dims differ from the conv output's");
    inPlace = op.in[1] != op.in[0] && b.values[op.in[1]].mem.get_desc() == dst && b.takeOver(op.in[1]);
    residual = inPlace ? b.values[op.in[1]].mem : b.as(op.in[1], dst);
  }
  dnnl::memory y = inPlace ? residual : b.activation(dst);
  const bool hasSum = cg.hasSum;
  b.actions.push_back([=]() {
    const float* xs = static_cast<const float*>(x.get_data_handle());
    const float* rs = hasSum ? static_cast<const float*>(residual.get_data_handle()) : nullptr;
    float* ys = static_cast<float*>(y.get_data_handle());
    const float* bs = static_cast<const float*>(bMem.get_data_handle());
    parallelChunks(blocks, threadBudget(), [&](int64_t k) {
      ThreadScope one(1);
      const int64_t t0 = k * rows, count = k + 1 == blocks ? rest : rows;
      if (micro) {
        // A few tiles at a time through all three stages: V and M stay in L1.
        float* vs = static_cast<float*>(threadMemory(0, microV).get_data_handle());
        float* ms = static_cast<float*>(threadMemory(1, microM).get_data_handle());
        const float* us = static_cast<const float*>(u.get_data_handle());
        for (int64_t s = 0; s < count; s += kMicroTiles) {
          const int64_t part = std::min(kMicroTiles, count - s);
          inputTransform(g, xs, t0 + s, part, vs);
          microProducts(vs, us, ms, part, g.c, g.k);
          outputTransform(g, ms, bs, rs, ys, t0 + s, part);
        }
        return;
      }
      const Products& p = k + 1 == blocks ? *last : *full;
      dnnl::memory v = threadMemory(0, p.v), m = threadMemory(1, p.m);
      inputTransform(g, xs, t0, p.rows, static_cast<float*>(v.get_data_handle()));
      {
        std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, v}, {DNNL_ARG_WEIGHTS, u}, {DNNL_ARG_DST, m}};
        if (p.scratch) args.emplace(DNNL_ARG_SCRATCHPAD, threadScratchpad(p.scratch));
        p.prim.execute(dnnlStream(), args);
      }
      outputTransform(g, static_cast<const float*>(m.get_data_handle()), bs, rs, ys, t0, p.rows);
    });
    runCount.fetch_add(1, std::memory_order_relaxed);
  });
  *b.onPool = true;
  b.add(yd, y);
  return true;
}

}  // namespace bs
