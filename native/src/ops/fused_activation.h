// The activations oneDNN fuses as an eltwise post-op (Dense, convolution, the net plan's steps);
// the rest run as a separate unary pass (softrelu too: oneDNN 2.6's soft_relu is inaccurate for
// large negative inputs).
#pragma once

#include <dnnl.hpp>

#include "unary.h"

namespace bs {

inline bool fusedAlgorithm(int act, dnnl::algorithm* alg) {
  switch (act) {
    case kRelu: *alg = dnnl::algorithm::eltwise_relu; return true;
    case kSigmoid: *alg = dnnl::algorithm::eltwise_logistic; return true;
    case kTanh: *alg = dnnl::algorithm::eltwise_tanh; return true;
    case kGelu: *alg = dnnl::algorithm::eltwise_gelu_erf; return true;
    default: return false;
  }
}

}  // namespace bs
