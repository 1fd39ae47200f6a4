// Host emulation of the CUDA subset Blocksmith uses, for scripts/cuda-emulate.mjs: the kernels of
// native/src/**/*.cu compile with g++ and run on the CPU, each CUDA thread a cooperative fiber
// (blocks one after another, so `__shared__` can be a static), __syncthreads a fiber barrier, device
// memory plain host memory filled with garbage (0xA5) so reads of unwritten memory show up. Two
// emulated GPUs. It checks kernel LOGIC (indexing, tiling, reductions, barriers, launch limits)
// without a GPU; it says nothing about timing, memory coherence between real threads or CUDA's
// own math library (host libm stands in for it).
#pragma once
#include <cmath>
#include <math.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>
#include <ucontext.h>

#define __global__
#define __device__
#define __host__
#define __shared__ static
#define __launch_bounds__(x)

struct dim3 {
  unsigned x, y, z;
  dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {}
};
struct uint3 { unsigned x, y, z; };
inline uint3 threadIdx, blockIdx;
inline dim3 blockDim, gridDim;

// Explicitly rounded ops: volatile stops the compiler from fusing them (as on the GPU).
inline float __fmul_rn(float a, float b) { volatile float r = a * b; return r; }
inline float __fadd_rn(float a, float b) { volatile float r = a + b; return r; }
inline double __dmul_rn(double a, double b) { volatile double r = a * b; return r; }
inline double __dadd_rn(double a, double b) { volatile double r = a + b; return r; }

namespace bs_emu {
struct Fiber { ucontext_t ctx; bool done; };
inline ucontext_t sched;
inline std::vector<Fiber> fibers;
inline std::vector<char*> stacks;
inline int current;
inline const std::function<void()>* body;
inline long launches = 0;
constexpr size_t kStack = 256 * 1024;
inline void fiberMain() {
  (*body)();
  fibers[current].done = true;
  swapcontext(&fibers[current].ctx, &sched);
}
inline void syncthreads() { swapcontext(&fibers[current].ctx, &sched); }
inline void launch(dim3 g, dim3 b, const std::function<void()>& f) {
  launches++;
  // The launch limits of real GPUs: a kernel that breaks them would fail there.
  if (b.x * b.y * b.z > 1024 || g.y > 65535 || g.z > 65535 || g.x == 0 || g.x > 2147483647u) {
    fprintf(stderr, "EMU: invalid launch config grid(%u,%u,%u) block(%u,%u,%u)\n", g.x, g.y, g.z, b.x, b.y, b.z);
    abort();
  }
  gridDim = g;
  blockDim = b;
  const int nt = b.x * b.y * b.z;
  while ((int)stacks.size() < nt) stacks.push_back(static_cast<char*>(malloc(kStack)));
  body = &f;
  for (unsigned bz = 0; bz < g.z; bz++)
    for (unsigned by = 0; by < g.y; by++)
      for (unsigned bx = 0; bx < g.x; bx++) {
        blockIdx = {bx, by, bz};
        fibers.assign(nt, Fiber{});
        for (int i = 0; i < nt; i++) {
          getcontext(&fibers[i].ctx);
          fibers[i].ctx.uc_stack.ss_sp = stacks[i];
          fibers[i].ctx.uc_stack.ss_size = kStack;
          fibers[i].ctx.uc_link = nullptr;
          makecontext(&fibers[i].ctx, fiberMain, 0);
        }
        for (;;) {
          int live = 0;
          for (int i = 0; i < nt; i++) {
            if (fibers[i].done) continue;
            current = i;
            threadIdx = {i % b.x, (i / b.x) % b.y, i / (b.x * b.y)};
            swapcontext(&sched, &fibers[i].ctx);
            if (!fibers[i].done) live++;
          }
          if (live == 0) break;  // else every live fiber waits at __syncthreads: release them all
        }
      }
}
}  // namespace bs_emu
inline void __syncthreads() { bs_emu::syncthreads(); }
// Emulated threads are fibers that switch only at __syncthreads, so a read-modify-write is atomic.
template <typename T>
inline T atomicAdd(T* address, T value) {
  const T old = *address;
  *address = old + value;
  return old;
}

typedef int cudaError_t;
enum { cudaSuccess = 0, cudaErrorMemoryAllocation = 2, cudaErrorInsufficientDriver = 35, cudaErrorNoDevice = 100 };
typedef void* cudaStream_t;
enum { cudaStreamNonBlocking = 1 };
enum cudaMemcpyKind { cudaMemcpyHostToHost, cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice };
struct cudaDeviceProp { char name[256]; int major, minor, multiProcessorCount, maxThreadsPerBlock; size_t totalGlobalMem; };
#define CUDART_VERSION 13000
inline int gEmuDevice = 0;
inline cudaError_t cudaDriverGetVersion(int* v) { *v = 13000; return 0; }
inline cudaError_t cudaGetDeviceCount(int* n) { *n = 2; return 0; }
inline cudaError_t cudaSetDevice(int d) { gEmuDevice = d; return 0; }
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp* p, int d) {
  snprintf(p->name, sizeof p->name, "Emulated GPU %d", d);
  p->major = 9; p->minor = 0; p->multiProcessorCount = 1; p->maxThreadsPerBlock = 1024; p->totalGlobalMem = size_t(1) << 33;
  return 0;
}
inline cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned) { *s = reinterpret_cast<void*>(1); return 0; }
inline cudaError_t cudaStreamSynchronize(cudaStream_t) { return 0; }
inline cudaError_t cudaDeviceSynchronize() { return 0; }
inline cudaError_t cudaMalloc(void** p, size_t n) {
  *p = malloc(n);
  if (!*p) return cudaErrorMemoryAllocation;
  memset(*p, 0xA5, n);  // garbage, so kernels reading memory they did not write show up
  return 0;
}
inline cudaError_t cudaFree(void* p) { free(p); return 0; }
inline cudaError_t cudaMemcpyAsync(void* d, const void* s, size_t n, cudaMemcpyKind, cudaStream_t) { memcpy(d, s, n); return 0; }
inline cudaError_t cudaMemsetAsync(void* d, int v, size_t n, cudaStream_t) { memset(d, v, n); return 0; }
inline cudaError_t cudaGetLastError() { return 0; }
inline const char* cudaGetErrorString(cudaError_t) { return "emulated error"; }
