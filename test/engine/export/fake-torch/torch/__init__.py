# A numpy stand-in for the few torch APIs the generated PyTorch code uses, so the tests can run
# that code here (no torch on these machines). It is NOT torch: it only mirrors the semantics the
# generator relies on (Linear's (out, in) weight, load_state_dict's strict key and shape checks).
import contextlib

import numpy as np

float32, float64, int32, int64, uint8 = np.float32, np.float64, np.int32, np.int64, np.uint8


class Tensor(np.ndarray):
    def t(self):
        return self.T

    def contiguous(self):
        return np.ascontiguousarray(self).view(Tensor)


def frombuffer(buffer, dtype):
    return np.frombuffer(buffer, dtype=dtype).copy().view(Tensor)


def flatten(x, start_dim):
    return x.reshape(x.shape[:start_dim] + (-1,))


def cat(tensors, dim):
    return np.concatenate(tensors, axis=dim).view(Tensor)


def sigmoid(x):
    return (1 / (1 + np.exp(-x))).astype(x.dtype)


def tanh(x):
    return np.tanh(x)


def rand(*shape):
    return np.random.rand(*shape).astype(np.float32).view(Tensor)


@contextlib.contextmanager
def no_grad():
    yield
