// The JS entry points, one per export in engine/backend/native-addon.ts. addon.cc registers them.
#pragma once
#include <napi.h>

namespace bs {

// api_memory.cc
Napi::Value Capabilities(const Napi::CallbackInfo& info);
Napi::Value NumGpus(const Napi::CallbackInfo& info);
Napi::Value Alloc(const Napi::CallbackInfo& info);
Napi::Value Dispose(const Napi::CallbackInfo& info);
Napi::Value BufferInfo(const Napi::CallbackInfo& info);
Napi::Value MemoryStatsJs(const Napi::CallbackInfo& info);
Napi::Value SetMemoryBudget(const Napi::CallbackInfo& info);
Napi::Value Write(const Napi::CallbackInfo& info);
Napi::Value Read(const Napi::CallbackInfo& info);
Napi::Value CopyBytes(const Napi::CallbackInfo& info);

// api_elementwise.cc
Napi::Value Fill(const Napi::CallbackInfo& info);
Napi::Value Cast(const Napi::CallbackInfo& info);
Napi::Value RandomUniform(const Napi::CallbackInfo& info);
Napi::Value RandomNormal(const Napi::CallbackInfo& info);
Napi::Value CopyStrided(const Napi::CallbackInfo& info);
Napi::Value FillStrided(const Napi::CallbackInfo& info);
Napi::Value Unary(const Napi::CallbackInfo& info);
Napi::Value UnaryBackward(const Napi::CallbackInfo& info);
Napi::Value Binary(const Napi::CallbackInfo& info);
Napi::Value BinaryFlat(const Napi::CallbackInfo& info);
Napi::Value BinaryScalar(const Napi::CallbackInfo& info);

// api_reduce.cc
Napi::Value Reduce(const Napi::CallbackInfo& info);
Napi::Value Softmax(const Napi::CallbackInfo& info);
Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info);

// api_linalg.cc (the Async variants report failures by rejecting, never by throwing)
Napi::Value Matmul(const Napi::CallbackInfo& info);
Napi::Value MatmulAsync(const Napi::CallbackInfo& info);
Napi::Value Linear(const Napi::CallbackInfo& info);
Napi::Value LinearAsync(const Napi::CallbackInfo& info);

// api_fused.cc
Napi::Value LinearBackward(const Napi::CallbackInfo& info);
Napi::Value OptimizerUpdate(const Napi::CallbackInfo& info);
Napi::Value LinearPlanCreate(const Napi::CallbackInfo& info);
Napi::Value LinearPlanRun(const Napi::CallbackInfo& info);

// api_plan.cc
Napi::Value NetPlanCreate(const Napi::CallbackInfo& info);
Napi::Value NetPlanRun(const Napi::CallbackInfo& info);
Napi::Value NetPlanStats(const Napi::CallbackInfo& info);
Napi::Value GpuPlanCreate(const Napi::CallbackInfo& info);  // api_gpu_plan.cc
Napi::Value GpuPlanRun(const Napi::CallbackInfo& info);
Napi::Value GpuPlanStats(const Napi::CallbackInfo& info);

// api_conv.cc
Napi::Value Convolution(const Napi::CallbackInfo& info);
Napi::Value ConvolutionBackwardData(const Napi::CallbackInfo& info);
Napi::Value ConvolutionBackwardWeights(const Napi::CallbackInfo& info);
Napi::Value Pooling(const Napi::CallbackInfo& info);
Napi::Value PoolingBackward(const Napi::CallbackInfo& info);
// api_norm.cc
Napi::Value BatchNorm(const Napi::CallbackInfo& info);
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info);
Napi::Value LayerNorm(const Napi::CallbackInfo& info);
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info);
Napi::Value Recurrent(const Napi::CallbackInfo& info);
Napi::Value RecurrentBackward(const Napi::CallbackInfo& info);
Napi::Value RecurrentWorkspaceBytes(const Napi::CallbackInfo& info);
Napi::Value Pad(const Napi::CallbackInfo& info);
Napi::Value PadBackward(const Napi::CallbackInfo& info);
Napi::Value Take(const Napi::CallbackInfo& info);
Napi::Value TakeBackward(const Napi::CallbackInfo& info);

// addon.cc: a JS Error carrying `code`.
Napi::Error codedError(Napi::Env env, const char* code, const std::string& message);

}  // namespace bs
