// The CUDA runtime side of the backend: which devices exist (and why none do), one stream per
// device, a caching allocator per device, and the error check every launch goes through.
// Only .cu files include this (it needs cuda_runtime.h); the rest of the addon sees backend.h.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <string>

#include "../errors.h"

namespace bs {
namespace cuda {

// Runtime failures (a launch that failed, an illegal address) are not E_NO_CUDA: the GPU exists.
constexpr const char* kCudaError = "E_CUDA";

// Number of usable devices (0 with no driver, no device, or BLOCKSMITH_CUDA=0); probed once.
int deviceCount();
// Why deviceCount() is 0 ("" otherwise): "no NVIDIA driver: ...", "no CUDA device: ...", ...
const char* unavailableReason();

struct DeviceProps {
  char name[256];
  int major, minor, multiProcessors, maxThreadsPerBlock;
  size_t totalMemory;
};
const DeviceProps& props(int device);

// Makes `device` current on this thread and returns its stream. Every kernel and copy of the
// addon on that device goes to this one stream, so they run in issue order and the caching
// allocator may hand a freed block to the next op without waiting for the GPU.
cudaStream_t use(int device);

// Blocks until everything queued on the device's stream has finished, then reports any error a
// kernel raised asynchronously ("what" names the op that is waiting).
void sync(int device, const char* what);

void* allocate(int device, size_t bytes);
void release(int device, void* p, size_t bytes) noexcept;
// Frees every cached (unused) block of every device; allocate() calls it before giving up.
void emptyCache() noexcept;

// The device a block from allocate() lives on, or -1. Kernels get bare pointers (the Params
// structs are shared with the CPU backend), so the op finds its device from its output buffer.
int deviceOf(const void* p);

// Where an op runs: the device of `p`, made current, and that device's stream.
struct Target {
  int device;
  cudaStream_t stream;
};
inline Target target(const void* p, const char* what) {
  const int d = deviceOf(p);
  if (d < 0) fail(code::kArgs, "%s: the buffer is not GPU memory from this addon", what);
  return Target{d, use(d)};
}

// Throws NativeError(E_CUDA / E_OUT_OF_MEMORY) naming `what` when err != cudaSuccess.
void check(cudaError_t err, const char* what);
// After a launch: reports a launch failure (bad configuration, no kernel image for this GPU).
inline void checkLaunch(const char* what) { check(cudaGetLastError(), what); }

// A temporary device buffer for one op (overlapping strided copies), returned to the cache.
class Scratch {
 public:
  Scratch(int device, size_t bytes) : device_(device), bytes_(bytes), p_(allocate(device, bytes)) {}
  ~Scratch() { release(device_, p_, bytes_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  void* get() const { return p_; }

 private:
  int device_;
  size_t bytes_;
  void* p_;
};

}  // namespace cuda
}  // namespace bs
