// Times oneDNN float32 matmul C[M,N] = A[M,K] · B[K,N] for N = K = argv[1] (M = argv[4], default
// the same), set up exactly as the addon does (native/src/ops/matmul_cpu.cc: 3-D plain descriptors
// with explicit strides, matmul::desc, one engine and stream), and prints {"size", "gflops",
// "seconds"} as JSON. argv[3] = "t" stores B transposed ([N, K] row-major, the addon's transB).
// Build: g++ -O3 -std=c++17 -fopenmp bare_dnnl_matmul.cc -o bare_dnnl_matmul -ldnnl
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  const long size = argc > 1 ? std::atol(argv[1]) : 1024;
  const double minSeconds = argc > 2 ? std::atof(argv[2]) : 1.0;
  if (size <= 0) {
    std::fprintf(stderr, "usage: bare_dnnl_matmul SIZE [MIN_SECONDS] [n|t] [M]\n");
    return 2;
  }
  const bool transB = argc > 3 && argv[3][0] == 't';
  const long rows = argc > 4 ? std::atol(argv[4]) : size;
  const dnnl::memory::dim m = rows > 0 ? rows : size, n = size, k = size;
  using dt = dnnl::memory::data_type;
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  dnnl::memory::desc a({1, m, k}, dt::f32, dnnl::memory::dims{m * k, k, 1});
  dnnl::memory::desc b({1, k, n}, dt::f32, transB ? dnnl::memory::dims{k * n, 1, k} : dnnl::memory::dims{k * n, n, 1});
  dnnl::memory::desc c({1, m, n}, dt::f32, dnnl::memory::dims{m * n, n, 1});
  dnnl::matmul::desc desc(a, b, c);
  dnnl::matmul prim(dnnl::matmul::primitive_desc(desc, engine));

  std::vector<float> va(m * k), vb(k * n), vc(m * n);
  for (size_t i = 0; i < va.size(); i++) va[i] = static_cast<float>((i * 7919) % 1000) / 1000.f - 0.5f;
  for (size_t i = 0; i < vb.size(); i++) vb[i] = static_cast<float>((i * 104729) % 1000) / 1000.f - 0.5f;
  dnnl::memory ma(a, engine, va.data()), mb(b, engine, vb.data()), mc(c, engine, vc.data());

  auto once = [&] {
    prim.execute(stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
    stream.wait();
  };
  once();  // warm-up: JIT, page faults, thread pool
  std::vector<double> times;
  const auto start = std::chrono::steady_clock::now();
  do {
    const auto t0 = std::chrono::steady_clock::now();
    once();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  } while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < minSeconds ||
           times.size() < 3);
  std::sort(times.begin(), times.end());
  const double seconds = times[times.size() / 2];  // median: robust to a stray slow run
  const double gflops = 2.0 * m * n * k / seconds / 1e9;
  std::printf("{\"size\": %ld, \"gflops\": %.3f, \"seconds\": %.9f}\n", size, gflops, seconds);
  return 0;
}
