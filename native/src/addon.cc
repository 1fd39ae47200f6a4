// The one export table of the addon (as sharp.cc is for sharp). Every entry point is wrapped so a
// NativeError thrown anywhere below becomes a JS Error with its `code`.
#include <napi.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <new>

#include "api.h"
#include "errors.h"

namespace bs {

Napi::Error codedError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  return err;
}

namespace {

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const NativeError& e) {
    throw codedError(info.Env(), e.code, e.message);
  } catch (const dnnl::error& e) {
    throw codedError(info.Env(), code::kDnnl, std::string("oneDNN: ") + e.what());
  } catch (const std::bad_alloc&) {
    throw codedError(info.Env(), code::kOom, "the system ran out of memory for a temporary buffer");
  }
}

}  // namespace

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
static void add(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New(env, guarded<F>, name));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  add<Capabilities>(env, exports, "capabilities");
  add<NumGpus>(env, exports, "numGpus");

  add<Alloc>(env, exports, "alloc");
  add<Dispose>(env, exports, "dispose");
  add<BufferInfo>(env, exports, "bufferInfo");
  add<MemoryStatsJs>(env, exports, "memoryStats");
  add<SetMemoryBudget>(env, exports, "setMemoryBudget");
  add<Write>(env, exports, "write");
  add<Read>(env, exports, "read");
  add<CopyBytes>(env, exports, "copyBytes");

  add<Fill>(env, exports, "fill");
  add<Cast>(env, exports, "cast");
  add<RandomUniform>(env, exports, "randomUniform");
  add<RandomNormal>(env, exports, "randomNormal");
  add<CopyStrided>(env, exports, "copyStrided");
  add<FillStrided>(env, exports, "fillStrided");

  add<Unary>(env, exports, "unary");
  add<UnaryBackward>(env, exports, "unaryBackward");
  add<Binary>(env, exports, "binary");
  add<BinaryFlat>(env, exports, "binaryFlat");
  add<BinaryScalar>(env, exports, "binaryScalar");

  add<Reduce>(env, exports, "reduce");
  add<Softmax>(env, exports, "softmax");
  add<SoftmaxBackward>(env, exports, "softmaxBackward");

  add<Matmul>(env, exports, "matmul");
  add<MatmulAsync>(env, exports, "matmulAsync");
  add<Linear>(env, exports, "linear");
  add<LinearAsync>(env, exports, "linearAsync");
  add<LinearBackward>(env, exports, "linearBackward");
  add<OptimizerUpdate>(env, exports, "optimizerUpdate");

  add<BatchNorm>(env, exports, "batchNorm");
  add<BatchNormBackward>(env, exports, "batchNormBackward");
  add<LayerNorm>(env, exports, "layerNorm");
  add<LayerNormBackward>(env, exports, "layerNormBackward");
  add<Recurrent>(env, exports, "recurrent");
  add<RecurrentBackward>(env, exports, "recurrentBackward");
  add<RecurrentWorkspaceBytes>(env, exports, "recurrentWorkspaceBytes");
  add<Pad>(env, exports, "pad");
  add<PadBackward>(env, exports, "padBackward");
  add<Take>(env, exports, "take");
  add<TakeBackward>(env, exports, "takeBackward");
  add<LinearPlanCreate>(env, exports, "linearPlan");
  add<LinearPlanRun>(env, exports, "linearPlanRun");
  add<NetPlanCreate>(env, exports, "netPlan");
  add<NetPlanRun>(env, exports, "netPlanRun");
  add<NetPlanStats>(env, exports, "netPlanStats");
  add<GpuPlanCreate>(env, exports, "gpuPlan");
  add<GpuPlanRun>(env, exports, "gpuPlanRun");
  add<GpuPlanStats>(env, exports, "gpuPlanStats");
  add<Convolution>(env, exports, "convolution");
  add<ConvolutionBackwardData>(env, exports, "convolutionBackwardData");
  add<ConvolutionBackwardWeights>(env, exports, "convolutionBackwardWeights");
  add<Pooling>(env, exports, "pooling");
  add<PoolingBackward>(env, exports, "poolingBackward");
  return exports;
}

}  // namespace bs

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return bs::Init(env, exports); }

NODE_API_MODULE(blocksmith_native, InitAddon)
