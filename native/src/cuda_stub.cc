// Stands in for the CUDA backend in builds without nvcc (candle's dummy_cuda_backend.rs): the
// same interface, and every use says why there is no GPU instead of crashing.
#include "backend.h"
#include "errors.h"
#include "gpu_plan.h"

namespace bs {

namespace {

constexpr const char* kReason =
    "not compiled with CUDA: Blocksmith was built without CUDA support (this addon has the CPU backend only). "
    "Install the CUDA toolkit (nvcc) and run `npm run build:native`, or use the cpu device.";

[[noreturn]] void noCuda(const char* what) { fail(code::kNoCuda, "%s: %s", what, kReason); }

class CudaStub final : public Backend {
 public:
  const char* name() const override { return "gpu"; }
  int deviceCount() const override { return 0; }
  void* allocate(int, size_t) override { noCuda("alloc"); }
  void release(int, void*, size_t) noexcept override {}
  void copyFromHost(int, void*, const void*, size_t) override { noCuda("write"); }
  void copyToHost(int, void*, const void*, size_t) override { noCuda("read"); }
  void copyWithin(int, void*, const void*, size_t) override { noCuda("copyBytes"); }
  void fill(const FillParams&) override { noCuda("fill"); }
  void cast(const CastParams&) override { noCuda("cast"); }
  void random(const RandomParams&) override { noCuda("random"); }
  void copyStrided(const CopyStridedParams&) override { noCuda("copyStrided"); }
  void fillStrided(const FillStridedParams&) override { noCuda("fillStrided"); }
  void unary(const UnaryParams&) override { noCuda("unary"); }
  void unaryBackward(const UnaryBackwardParams&) override { noCuda("unaryBackward"); }
  void binary(const BinaryParams&) override { noCuda("binary"); }
  void binaryScalar(const BinaryScalarParams&) override { noCuda("binaryScalar"); }
  void reduce(const ReduceParams&) override { noCuda("reduce"); }
  void softmax(const SoftmaxParams&) override { noCuda("softmax"); }
  void softmaxBackward(const SoftmaxParams&) override { noCuda("softmaxBackward"); }
  void matmul(const MatmulParams&) override { noCuda("matmul"); }
  void linear(const LinearParams&) override { noCuda("linear"); }
  void optimizerUpdate(const OptimizerParams&) override { noCuda("optimizerUpdate"); }
  void conv(const ConvParams&) override { noCuda("convolution"); }
  void convBackwardData(const ConvParams&) override { noCuda("convolutionBackwardData"); }
  void convBackwardWeights(const ConvParams&) override { noCuda("convolutionBackwardWeights"); }
  void pool(const PoolParams&) override { noCuda("pooling"); }
  void poolBackward(const PoolParams&) override { noCuda("poolingBackward"); }
  void batchNorm(const BatchNormParams&) override { noCuda("batchNorm"); }
  void batchNormBackward(const BatchNormBackwardParams&) override { noCuda("batchNormBackward"); }
  void layerNorm(const LayerNormParams&) override { noCuda("layerNorm"); }
  void layerNormBackward(const LayerNormBackwardParams&) override { noCuda("layerNormBackward"); }
  void pad(const PadParams&) override { noCuda("pad"); }
  void padBackward(const PadParams&) override { noCuda("padBackward"); }
  void take(const TakeParams&) override { noCuda("take"); }
  void takeBackward(const TakeParams&) override { noCuda("takeBackward"); }
};

}  // namespace

Backend& cudaBackend() {
  static CudaStub backend;
  return backend;
}
bool cudaCompiled() { return false; }
const char* cudaUnavailableReason() { return kReason; }
bool gpuProperties(int, GpuProperties*) { return false; }

// A GPU plan is refused when it is built (gpu_plan.cc checks cudaCompiled()); these only link.
void gpuPlanGemm(const MatmulParams&) { noCuda("gpuPlan"); }
void gpuPlanElementwise(const GpuEwStep&) { noCuda("gpuPlan"); }
void gpuPlanCopy(void*, const void*, size_t) { noCuda("gpuPlan"); }
void gpuPlanFold(const GpuFold&) { noCuda("gpuPlan"); }
void gpuPlanLayerNorm(const LayerNormParams&) { noCuda("gpuPlan"); }
void gpuPlanSoftmax(const SoftmaxParams&) { noCuda("gpuPlan"); }
void gpuPlanPad(const PadParams&) { noCuda("gpuPlan"); }
void gpuPlanSeq(const GpuSeqStep&) { noCuda("gpuPlan"); }
void gpuPlanRnn(const GpuRnnStep&) { noCuda("gpuPlan"); }

}  // namespace bs
