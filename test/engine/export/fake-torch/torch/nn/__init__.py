# nn.Module, nn.Linear, nn.Dropout as far as the generated code needs them (see ../__init__.py).
import numpy as np

from .. import Tensor


class Parameter(Tensor):
    pass


def _parameter(shape):
    return np.zeros(shape, dtype=np.float32).view(Parameter)


class Module:
    def __init__(self):
        object.__setattr__(self, '_modules', {})
        object.__setattr__(self, '_parameters', {})

    def __setattr__(self, name, value):
        if isinstance(value, Module):
            self._modules[name] = value
        elif isinstance(value, Parameter):
            self._parameters[name] = value
        object.__setattr__(self, name, value)

    def state_dict(self, prefix=''):
        out = {prefix + k: p for k, p in self._parameters.items()}
        for k, m in self._modules.items():
            out.update(m.state_dict(prefix + k + '.'))
        return out

    def load_state_dict(self, state, strict=True):
        own = self.state_dict()
        missing, unexpected = set(own) - set(state), set(state) - set(own)
        if strict and (missing or unexpected):
            raise RuntimeError(f'missing keys {sorted(missing)}, unexpected keys {sorted(unexpected)}')
        for k, v in state.items():
            if own[k].shape != v.shape:
                raise RuntimeError(f'size mismatch for {k}: {v.shape} vs {own[k].shape}')
            own[k][...] = v  # in place, so a tied tensor stays one tensor

    def eval(self):
        return self

    def __call__(self, *args):
        return self.forward(*args)


class Linear(Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.weight = _parameter((out_features, in_features))
        self.bias = _parameter((out_features,)) if bias else None

    def forward(self, x):
        y = x @ self.weight.T
        return y + self.bias if self.bias is not None else y


class Dropout(Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        return x  # eval mode
