// Devices, streams and the caching allocator. cudaMalloc/cudaFree synchronise the whole device
// and cost tens of microseconds, so freed blocks are kept per device and handed out again (as
// PyTorch's caching allocator does); all work on a device is on one stream, so reuse is ordered.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "runtime.h"

namespace bs {
namespace cuda {

namespace {

struct Probe {
  int count = 0;
  std::string reason;
  std::vector<DeviceProps> props;
  std::vector<cudaStream_t> streams;
};

Probe probeDevices() {
  Probe p;
  const char* env = std::getenv("BLOCKSMITH_CUDA");
  if (env && std::strcmp(env, "0") == 0) {
    p.reason = "CUDA disabled by BLOCKSMITH_CUDA=0 (unset it to use the GPUs this build supports)";
    return p;
  }
  int driver = 0;
  cudaDriverGetVersion(&driver);  // 0 when libcuda.so (the driver) cannot be loaded
  if (driver == 0) {
    p.reason = "no NVIDIA driver: this Blocksmith build has CUDA, but the driver (libcuda.so.1) was not "
               "found; install the NVIDIA driver, or use the cpu device";
    return p;
  }
  int n = 0;
  cudaError_t err = cudaGetDeviceCount(&n);
  if (err == cudaErrorInsufficientDriver) {
    char buf[256];
    snprintf(buf, sizeof buf, "no NVIDIA driver new enough: it supports CUDA %d.%d, this Blocksmith build needs %d.%d",
             driver / 1000, driver % 100 / 10, CUDART_VERSION / 1000, CUDART_VERSION % 100 / 10);
    p.reason = buf;
  } else if (err == cudaErrorNoDevice || (err == cudaSuccess && n == 0)) {
    p.reason = "no CUDA device: the NVIDIA driver is loaded but reports no GPU (see nvidia-smi, CUDA_VISIBLE_DEVICES)";
  } else if (err != cudaSuccess) {
    p.reason = std::string("no CUDA device: cudaGetDeviceCount failed (") + cudaGetErrorString(err) +
               "); see nvidia-smi";
  }
  if (err != cudaSuccess) {
    cudaGetLastError();  // clear the sticky-free error so later calls do not report it
    return p;
  }
  p.count = n;
  p.props.resize(n);
  p.streams.assign(n, nullptr);
  for (int d = 0; d < n; d++) {
    cudaDeviceProp cp;
    if (cudaGetDeviceProperties(&cp, d) != cudaSuccess) continue;
    DeviceProps& q = p.props[d];
    snprintf(q.name, sizeof q.name, "%s", cp.name);
    q.major = cp.major;
    q.minor = cp.minor;
    q.multiProcessors = cp.multiProcessorCount;
    q.maxThreadsPerBlock = cp.maxThreadsPerBlock;
    q.totalMemory = cp.totalGlobalMem;
  }
  return p;
}

Probe& probe() {
  static Probe* p = new Probe(probeDevices());  // never destroyed, like the allocator state below
  return *p;
}

std::mutex gStreamMutex;

// ---- caching allocator: one pool per device, best fit by size, blocks never split.
struct Pool {
  std::multimap<size_t, void*> free;  // rounded size -> block
  size_t cachedBytes = 0;
};
struct Block {
  int device;
  size_t size;  // rounded
};
// Never destroyed: napi finalizers may free buffers while the process exits, after static
// destructors would already have run.
struct AllocState {
  std::mutex mutex;
  std::unordered_map<int, Pool> pools;
  std::unordered_map<void*, Block> live;
};
AllocState& state() {
  static AllocState* s = new AllocState();
  return *s;
}

// Small sizes round to 512 B, large ones to 2 MiB, so nearby sizes share cached blocks.
size_t roundSize(size_t bytes) {
  const size_t unit = bytes < (size_t(1) << 20) ? 512 : (size_t(2) << 20);
  return (bytes + unit - 1) / unit * unit;
}

}  // namespace

int deviceCount() { return probe().count; }
const char* unavailableReason() { return probe().count > 0 ? "" : probe().reason.c_str(); }
const DeviceProps& props(int device) { return probe().props.at(device); }

void check(cudaError_t err, const char* what) {
  if (err == cudaSuccess) return;
  cudaGetLastError();  // clear non-sticky errors so the next op starts clean
  if (err == cudaErrorMemoryAllocation)
    fail(code::kOom, "%s: the GPU is out of memory (%s)", what, cudaGetErrorString(err));
  fail(kCudaError, "%s: CUDA error %d: %s", what, static_cast<int>(err), cudaGetErrorString(err));
}

cudaStream_t use(int device) {
  Probe& p = probe();
  if (device < 0 || device >= p.count)
    fail(code::kNoCuda, "gpu(%d) does not exist; this machine has %d GPU(s)", device, p.count);
  check(cudaSetDevice(device), "cudaSetDevice");
  std::lock_guard<std::mutex> lock(gStreamMutex);
  if (!p.streams[device]) check(cudaStreamCreateWithFlags(&p.streams[device], cudaStreamNonBlocking), "cudaStreamCreate");
  return p.streams[device];
}

void sync(int device, const char* what) { check(cudaStreamSynchronize(use(device)), what); }

void emptyCache() noexcept {
  std::lock_guard<std::mutex> lock(state().mutex);
  for (auto& [device, pool] : state().pools) {
    if (pool.free.empty()) continue;
    cudaSetDevice(device);
    cudaDeviceSynchronize();  // a cached block may still be read by queued work
    for (auto& [size, ptr] : pool.free) cudaFree(ptr);
    pool.free.clear();
    pool.cachedBytes = 0;
  }
}

void* allocate(int device, size_t bytes) {
  if (bytes == 0) return nullptr;
  use(device);
  const size_t size = roundSize(bytes);
  {
    std::lock_guard<std::mutex> lock(state().mutex);
    Pool& pool = state().pools[device];
    auto it = pool.free.lower_bound(size);
    if (it != pool.free.end() && it->first <= size * 2) {  // reuse, wasting at most half
      void* p = it->second;
      pool.cachedBytes -= it->first;
      state().live[p] = Block{device, it->first};
      pool.free.erase(it);
      return p;
    }
  }
  void* p = nullptr;
  cudaError_t err = cudaMalloc(&p, size);
  if (err == cudaErrorMemoryAllocation) {  // give cached blocks back to the driver, then retry
    cudaGetLastError();
    emptyCache();
    cudaSetDevice(device);
    err = cudaMalloc(&p, size);
  }
  if (err != cudaSuccess) {
    cudaGetLastError();
    fail(code::kOom, "alloc: gpu(%d) could not provide %zu bytes (%s)", device, bytes, cudaGetErrorString(err));
  }
  std::lock_guard<std::mutex> lock(state().mutex);
  state().live[p] = Block{device, size};
  return p;
}

void release(int device, void* p, size_t) noexcept {
  if (!p) return;
  std::lock_guard<std::mutex> lock(state().mutex);
  auto it = state().live.find(p);
  if (it == state().live.end()) return;
  Pool& pool = state().pools[device];
  pool.free.emplace(it->second.size, p);
  pool.cachedBytes += it->second.size;
  state().live.erase(it);
}

// The device a block from allocate() lives on (kernels get only pointers), or -1.
int deviceOf(const void* p) {
  std::lock_guard<std::mutex> lock(state().mutex);
  auto it = state().live.find(const_cast<void*>(p));
  return it == state().live.end() ? -1 : it->second.device;
}

}  // namespace cuda
}  // namespace bs
