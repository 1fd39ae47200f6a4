// One interface per device kind (candle's BackendStorage). The CPU backend runs ops/*_cpu.cc; the
// CUDA backend (cuda/backend_cuda.cu, over ops/*_cuda.cu) implements the same methods when
// build-native.mjs finds nvcc, and cuda_stub.cc stands in for it otherwise, so that call sites
// never need #ifdefs. Which one is linked is decided at build time (binding.gyp's `cuda`).
#pragma once
#include <cstddef>

#include "ops/batch_norm.h"
#include "ops/binary.h"
#include "ops/conv.h"
#include "ops/fill_cast.h"
#include "ops/layer_norm.h"
#include "ops/linear.h"
#include "ops/matmul.h"
#include "ops/optimizer.h"
#include "ops/pool.h"
#include "ops/pad.h"
#include "ops/random.h"
#include "ops/reduce.h"
#include "ops/softmax.h"
#include "ops/strided.h"
#include "ops/take.h"
#include "ops/unary.h"

namespace bs {

enum class DeviceType : int { Cpu = 1, Gpu = 2 };

struct Device {
  DeviceType type;
  int id;
  bool operator==(const Device& o) const { return type == o.type && id == o.id; }
  bool operator!=(const Device& o) const { return !(*this == o); }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;  // "cpu", "gpu"
  virtual int deviceCount() const = 0;
  // Throws NativeError (E_OUT_OF_MEMORY, E_NO_CUDA); never returns null for bytes > 0.
  virtual void* allocate(int deviceId, size_t bytes) = 0;
  virtual void release(int deviceId, void* p, size_t bytes) noexcept = 0;
  virtual void copyFromHost(int deviceId, void* dst, const void* src, size_t bytes) = 0;
  virtual void copyToHost(int deviceId, void* dst, const void* src, size_t bytes) = 0;
  virtual void copyWithin(int deviceId, void* dst, const void* src, size_t bytes) = 0;

  virtual void fill(const FillParams&) = 0;
  virtual void cast(const CastParams&) = 0;
  virtual void random(const RandomParams&) = 0;
  virtual void copyStrided(const CopyStridedParams&) = 0;
  virtual void fillStrided(const FillStridedParams&) = 0;
  virtual void unary(const UnaryParams&) = 0;
  virtual void unaryBackward(const UnaryBackwardParams&) = 0;
  virtual void binary(const BinaryParams&) = 0;
  virtual void binaryScalar(const BinaryScalarParams&) = 0;
  virtual void reduce(const ReduceParams&) = 0;
  virtual void softmax(const SoftmaxParams&) = 0;
  virtual void softmaxBackward(const SoftmaxParams&) = 0;
  virtual void matmul(const MatmulParams&) = 0;
  virtual void linear(const LinearParams&) = 0;
  virtual void optimizerUpdate(const OptimizerParams&) = 0;
  virtual void conv(const ConvParams&) = 0;
  virtual void convBackwardData(const ConvParams&) = 0;
  virtual void convBackwardWeights(const ConvParams&) = 0;
  virtual void pool(const PoolParams&) = 0;
  virtual void poolBackward(const PoolParams&) = 0;
  virtual void batchNorm(const BatchNormParams&) = 0;
  virtual void batchNormBackward(const BatchNormBackwardParams&) = 0;
  virtual void layerNorm(const LayerNormParams&) = 0;
  virtual void layerNormBackward(const LayerNormBackwardParams&) = 0;
  virtual void pad(const PadParams&) = 0;
  virtual void padBackward(const PadParams&) = 0;
  virtual void take(const TakeParams&) = 0;
  virtual void takeBackward(const TakeParams&) = 0;
};

Backend& cpuBackend();
Backend& cudaBackend();        // cuda_stub.cc, or the real one from cuda/
bool cudaCompiled();
const char* cudaUnavailableReason();  // "" when GPUs are usable

// What capabilities() reports per GPU; false when gpu(id) does not exist (always, in the stub).
struct GpuProperties {
  char name[256];
  int major, minor;  // compute capability
  int multiProcessors;
  size_t totalMemory;  // bytes
};
bool gpuProperties(int id, GpuProperties* out);

inline Backend& backendFor(DeviceType t) { return t == DeviceType::Cpu ? cpuBackend() : cudaBackend(); }

}  // namespace bs
