# torch.nn.functional's activations the generated code calls (see ../__init__.py).
import math

import numpy as np

_erf = np.vectorize(math.erf, otypes=[np.float64])


def relu(x):
    return np.maximum(x, 0)


def softplus(x):
    return np.logaddexp(0, x).astype(x.dtype)


def gelu(x):
    return (0.5 * x * (1 + _erf(x / math.sqrt(2)))).astype(x.dtype)
