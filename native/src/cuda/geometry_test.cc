// Host-side test of geometry.h (launch geometry and index arithmetic of the CUDA kernels),
// compiled with g++ and run by test/native/cuda-geometry.test.ts, so CI checks it without a GPU.
// Every function is compared with a brute-force reference on seeded random cases; prints
// "ok <cases>" and exits 0, or prints the first mismatch and exits 1.
#include <cstdio>
#include <cstdlib>
#include <random>

#include "geometry.h"

using namespace bs::geom;

static std::mt19937_64 rng(12345);
static int64_t pick(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }
static long cases = 0;

#define EXPECT(cond, ...)                        \
  do {                                           \
    cases++;                                     \
    if (!(cond)) {                               \
      std::printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      std::printf(__VA_ARGS__);                  \
      std::printf("\n");                         \
      std::exit(1);                              \
    }                                            \
  } while (0)

static void testBlocks() {
  for (int64_t n : {int64_t(0), int64_t(1), int64_t(31), int64_t(33), int64_t(255), int64_t(256), int64_t(257),
                    int64_t(1025), int64_t(1) << 31, int64_t(1) << 40, int64_t(1) << 62}) {
    const int64_t b = blocksFor(n);
    EXPECT(b >= 1 && b <= kMaxBlocks, "blocksFor(%lld) = %lld", (long long)n, (long long)b);
    // Either every element has its own thread, or the grid is capped and threads loop.
    EXPECT(b * kThreads >= n || b == kMaxBlocks, "blocksFor(%lld) = %lld covers too little", (long long)n, (long long)b);
    EXPECT(n == 0 || (b - 1) * kThreads < n, "blocksFor(%lld) = %lld has an idle block", (long long)n, (long long)b);
  }
  for (int64_t e : {int64_t(0), int64_t(1), int64_t(31), int64_t(33), int64_t(100), int64_t(1025), int64_t(1) << 40}) {
    const int t = reduceThreads(e);
    EXPECT(t >= 32 && t <= 256 && (t & (t - 1)) == 0, "reduceThreads(%lld) = %d", (long long)e, t);
  }
}

// Reference: offsets without collapsing.
template <int N>
static void naiveOffsets(const int64_t* shape, int64_t (*strides)[kMaxDims], int rank, int64_t i, int64_t* off) {
  for (int k = 0; k < N; k++) off[k] = 0;
  for (int d = rank - 1; d >= 0; d--) {
    const int64_t c = i % shape[d];
    i /= shape[d];
    for (int k = 0; k < N; k++) off[k] += c * strides[k][d];
  }
}

static void testStrided() {
  for (int t = 0; t < 3000; t++) {
    const int rank = static_cast<int>(pick(0, 6));
    StridedMap<3> m;
    m.rank = rank;
    int64_t shape[kMaxDims], strides[3][kMaxDims];
    int64_t total = 1;
    for (int d = 0; d < rank; d++) shape[d] = m.shape[d] = pick(1, 5) == 1 ? 1 : pick(1, 7);
    for (int d = 0; d < rank; d++) total *= shape[d];
    // operand 0: contiguous (the output), 1: a random permutation/broadcast, 2: a slice of a bigger array
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) { strides[0][d] = s; s *= shape[d]; }
    for (int d = 0; d < rank; d++) strides[1][d] = pick(0, 2) == 0 ? 0 : pick(1, 50);
    s = pick(1, 3);
    for (int d = rank - 1; d >= 0; d--) { strides[2][d] = s; s *= shape[d] + pick(0, 2); }
    for (int k = 0; k < 3; k++)
      for (int d = 0; d < rank; d++) m.strides[k][d] = strides[k][d];
    m.collapse();
    EXPECT(m.count() == total, "count %lld != %lld", (long long)m.count(), (long long)total);
    EXPECT(m.rank >= 1 && m.rank <= (rank > 0 ? rank : 1), "rank %d from %d", m.rank, rank);
    for (int64_t i = 0; i < total; i++) {
      int64_t got[3], want[3];
      m.offsets(i, got);
      naiveOffsets<3>(shape, strides, rank, i, want);
      for (int k = 0; k < 3; k++)
        EXPECT(got[k] == want[k], "case %d element %lld operand %d: %lld != %lld", t, (long long)i, k,
               (long long)got[k], (long long)want[k]);
    }
  }
  // Contiguous tensors collapse to one dimension (the kernels' fast path relies on it).
  StridedMap<2> c;
  c.rank = 3;
  const int64_t sh[3] = {33, 31, 1025};
  for (int d = 0; d < 3; d++) c.shape[d] = sh[d];
  c.strides[0][0] = c.strides[1][0] = 31 * 1025;
  c.strides[0][1] = c.strides[1][1] = 1025;
  c.strides[0][2] = c.strides[1][2] = 1;
  c.collapse();
  EXPECT(c.rank == 1 && c.shape[0] == 33 * 31 * 1025 && c.strides[0][0] == 1, "contiguous did not collapse");
  // Large offsets stay exact in 64 bits.
  StridedMap<1> big;
  big.rank = 2;
  big.shape[0] = int64_t(1) << 20;
  big.shape[1] = int64_t(1) << 20;
  big.strides[0][0] = 1;
  big.strides[0][1] = int64_t(1) << 20;  // a transpose of a 2^40-element array
  big.collapse();
  int64_t off;
  big.offsets((int64_t(1) << 40) - 1, &off);
  EXPECT(off == (int64_t(1) << 40) - 1, "big transpose offset %lld", (long long)off);
  big.offsets(int64_t(1) << 20, &off);
  EXPECT(off == 1, "big transpose offset of row 1: %lld", (long long)off);
}

static void testReducePlan() {
  for (int t = 0; t < 2000; t++) {
    const int rank = static_cast<int>(pick(0, 5));
    int64_t shape[kMaxDims];
    bool reduced[kMaxDims];
    for (int d = 0; d < rank; d++) {
      shape[d] = pick(0, 9) == 0 ? 1 : pick(1, 6);
      reduced[d] = pick(0, 1) == 1;
    }
    ReducePlan p;
    planReduce(shape, reduced, rank, &p);
    int64_t total = 1, outCount = 1, extent = 1;
    for (int d = 0; d < rank; d++) {
      total *= shape[d];
      (reduced[d] ? extent : outCount) *= shape[d];
    }
    EXPECT(p.outCount == outCount && p.extent == extent, "case %d: counts", t);
    // Brute force: walk x in order; its output index is over kept dims, its position in the
    // reduced extent is row-major over reduced dims (so argmax's r is the index along the axis).
    for (int64_t i = 0; i < total; i++) {
      int64_t rem = i, o = 0, r = 0, om = 1, rm = 1;
      for (int d = rank - 1; d >= 0; d--) {
        const int64_t c = rem % shape[d];
        rem /= shape[d];
        if (reduced[d]) { r += c * rm; rm *= shape[d]; } else { o += c * om; om *= shape[d]; }
      }
      int64_t base, off;
      p.kept.offsets(o, &base);
      p.red.offsets(r, &off);
      EXPECT(base + off == i, "case %d: out %lld pos %lld maps to %lld, want %lld", t, (long long)o, (long long)r,
             (long long)(base + off), (long long)i);
    }
  }
}

static void testGemm() {
  for (int t = 0; t < 200; t++) {
    const int64_t m = pick(1, 200), n = pick(1, 200), batch = pick(0, 3) == 0 ? pick(65536, 200000) : pick(0, 5);
    const GemmGrid g = gemmGrid(m, n, batch);
    EXPECT(g.tilesM * kTileM >= m && (g.tilesM - 1) * kTileM < m, "tilesM for m=%lld", (long long)m);
    EXPECT(g.tilesN * kTileN >= n && (g.tilesN - 1) * kTileN < n, "tilesN for n=%lld", (long long)n);
    EXPECT(g.perSlice <= kMaxGridZ && (batch == 0 ? g.slices == 0 : g.slices * g.perSlice >= batch &&
                                                                      (g.slices - 1) * g.perSlice < batch),
           "slices for batch=%lld", (long long)batch);
  }
  EXPECT(kGemmThreads == 256 && kTileM % kMicro == 0 && (kTileM * kTileK) % kGemmThreads == 0, "tile constants");
  for (int trans = 0; trans < 2; trans++) {
    const int64_t rows = pick(1, 40), cols = pick(1, 40);
    const MatStrides s = operandStrides(trans, rows, cols);
    for (int64_t i = 0; i < rows; i++)
      for (int64_t j = 0; j < cols; j++) {
        const int64_t want = trans ? j * rows + i : i * cols + j;  // stored [cols, rows] when transposed
        EXPECT(i * s.row + j * s.col == want, "operandStrides(%d) at (%lld, %lld)", trans, (long long)i, (long long)j);
      }
  }
}

int main() {
  testBlocks();
  testStrided();
  testReducePlan();
  testGemm();
  std::printf("ok %ld\n", cases);
  return 0;
}
