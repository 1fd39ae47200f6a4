// The CUDA backend: the Backend interface of backend.h over cuda/runtime.h and the kernels in
// ops/*_cuda.cu. Compiled (with everything else under nvcc) only when build-native.mjs finds
// nvcc; cuda_stub.cc takes its place otherwise, so the rest of the addon has no #ifdefs.
//
// Synchronisation: kernels and device-to-device copies are queued on the device's stream and
// return at once; reads to the host wait for the stream (so JS sees finished results), and so do
// writes from the host (the JS TypedArray may be reused as soon as write() returns). A kernel
// that fails asynchronously is reported by the next read on that device.
#include <cstdio>

#include "../backend.h"
#include "../errors.h"
#include "runtime.h"

namespace bs {

namespace {

class CudaBackend final : public Backend {
 public:
  const char* name() const override { return "gpu"; }
  int deviceCount() const override { return cuda::deviceCount(); }

  void* allocate(int deviceId, size_t bytes) override {
    // buffer.cc calls this when there is no GPU at all, to get the reason as the error.
    if (cuda::deviceCount() == 0) fail(code::kNoCuda, "alloc: gpu(%d) is not available: %s", deviceId, cuda::unavailableReason());
    return cuda::allocate(deviceId, bytes);
  }
  void release(int deviceId, void* p, size_t bytes) noexcept override { cuda::release(deviceId, p, bytes); }

  void copyFromHost(int deviceId, void* dst, const void* src, size_t n) override {
    cudaStream_t s = cuda::use(deviceId);
    cuda::check(cudaMemcpyAsync(dst, src, n, cudaMemcpyHostToDevice, s), "write");
    cuda::sync(deviceId, "write");
  }
  void copyToHost(int deviceId, void* dst, const void* src, size_t n) override {
    cudaStream_t s = cuda::use(deviceId);
    cuda::check(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToHost, s), "read");
    cuda::sync(deviceId, "read");
  }
  void copyWithin(int deviceId, void* dst, const void* src, size_t n) override {
    cudaStream_t s = cuda::use(deviceId);
    const char *d = static_cast<const char*>(dst), *r = static_cast<const char*>(src);
    if (d < r + n && r < d + n && d != r) {
      // Overlapping ranges of one buffer: cudaMemcpy is undefined there (the CPU uses memmove).
      cuda::Scratch tmp(deviceId, n);
      cuda::check(cudaMemcpyAsync(tmp.get(), src, n, cudaMemcpyDeviceToDevice, s), "copyBytes");
      cuda::check(cudaMemcpyAsync(dst, tmp.get(), n, cudaMemcpyDeviceToDevice, s), "copyBytes");
      return;
    }
    if (d != r) cuda::check(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToDevice, s), "copyBytes");
  }

  void fill(const FillParams& p) override { fillCuda(p); }
  void cast(const CastParams& p) override { castCuda(p); }
  void random(const RandomParams& p) override { randomCuda(p); }
  void copyStrided(const CopyStridedParams& p) override { copyStridedCuda(p); }
  void fillStrided(const FillStridedParams& p) override { fillStridedCuda(p); }
  void unary(const UnaryParams& p) override { unaryCuda(p); }
  void unaryBackward(const UnaryBackwardParams& p) override { unaryBackwardCuda(p); }
  void binary(const BinaryParams& p) override { binaryCuda(p); }
  void binaryScalar(const BinaryScalarParams& p) override { binaryScalarCuda(p); }
  void reduce(const ReduceParams& p) override { reduceCuda(p); }
  void softmax(const SoftmaxParams& p) override { softmaxCuda(p); }
  void softmaxBackward(const SoftmaxParams& p) override { softmaxBackwardCuda(p); }
  void matmul(const MatmulParams& p) override { matmulCuda(p); }
  void linear(const LinearParams& p) override { linearCuda(p); }
  void optimizerUpdate(const OptimizerParams& p) override { optimizerCuda(p); }
  void conv(const ConvParams& p) override { convCuda(p); }
  void convBackwardData(const ConvParams& p) override { convBackwardDataCuda(p); }
  void convBackwardWeights(const ConvParams& p) override { convBackwardWeightsCuda(p); }
  void pool(const PoolParams& p) override { poolCuda(p); }
  void poolBackward(const PoolParams& p) override { poolBackwardCuda(p); }
  void batchNorm(const BatchNormParams& p) override { batchNormCuda(p); }
  void batchNormBackward(const BatchNormBackwardParams& p) override { batchNormBackwardCuda(p); }
  void layerNorm(const LayerNormParams& p) override { layerNormCuda(p); }
  void layerNormBackward(const LayerNormBackwardParams& p) override { layerNormBackwardCuda(p); }
  void pad(const PadParams& p) override { padCuda(p); }
  void padBackward(const PadParams& p) override { padBackwardCuda(p); }
  void take(const TakeParams& p) override { takeCuda(p); }
  void takeBackward(const TakeParams& p) override { takeBackwardCuda(p); }
};

}  // namespace

Backend& cudaBackend() {
  static CudaBackend backend;
  return backend;
}
bool cudaCompiled() { return true; }
const char* cudaUnavailableReason() { return cuda::unavailableReason(); }

bool gpuProperties(int id, GpuProperties* out) {
  if (id < 0 || id >= cuda::deviceCount()) return false;
  const cuda::DeviceProps& p = cuda::props(id);
  snprintf(out->name, sizeof out->name, "%s", p.name);
  out->major = p.major;
  out->minor = p.minor;
  out->multiProcessors = p.multiProcessors;
  out->totalMemory = p.totalMemory;
  return true;
}

}  // namespace bs
