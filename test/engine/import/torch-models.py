# Exports the models the import tests read: torchvision's resnet18, squeezenet1_1 and mobilenet_v2
# (random weights, nothing downloaded) and a torch.nn.TransformerEncoder (opset 17 and 14), each with torch.onnx.export
# (Debian's torch 1.13), and saves one input and torch's output per model as .npy beside it.
import sys, warnings
import numpy as np
import torch, torchvision
warnings.filterwarnings('ignore')
torch.manual_seed(0)
torch.set_num_threads(1)
out = sys.argv[1]
names = sys.argv[2].split(',')

def save(name, model, x, opset=17):
    model.eval()
    with torch.no_grad():
        y = model(x)
    # PRESERVE (the model is in eval mode) keeps BatchNormalization nodes: EVAL would fold them into the convolutions.
    torch.onnx.export(model, x, f'{out}/{name}.onnx', input_names=['data'], output_names=['output'], opset_version=opset,
                      training=torch.onnx.TrainingMode.PRESERVE)
    np.save(f'{out}/{name}_x.npy', x.numpy())
    np.save(f'{out}/{name}_y.npy', y.numpy())
    # The same values under PyTorch's names, as a colleague would hand them over.
    np.savez(f'{out}/{name}_state.npz', **{k: v.numpy() for k, v in model.state_dict().items()})

class Odd(torch.nn.Module):
    # Operators no kind reads (Sin, CumSum) between layers that import.
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.fc = torch.nn.Linear(4 * 6 * 6, 5)
    def forward(self, x):
        y = torch.sin(self.conv(x))
        return self.fc(torch.cumsum(y, dim=3).flatten(1))

class Recurrent(torch.nn.Module):
    # nn.LSTM / GRU / RNN with a Linear head on the last step: (N, T, C) batch first, or (T, N, C).
    def __init__(self, cell, batch_first, **kw):
        super().__init__()
        self.batch_first = batch_first
        self.rnn = getattr(torch.nn, cell)(8, 12, batch_first=batch_first, **kw)
        self.fc = torch.nn.Linear(12 * (2 if kw.get('bidirectional') else 1), 3)
    def forward(self, x):
        y = self.rnn(x)[0]
        return self.fc(y if self.batch_first else y.transpose(0, 1))

RECURRENT = {
    'lstm': ('LSTM', True, dict(num_layers=2, bidirectional=True)),
    'gru': ('GRU', True, dict(num_layers=2)),
    'rnn': ('RNN', False, dict(bidirectional=True)),
    'rnn_relu': ('RNN', True, dict(nonlinearity='relu', num_layers=2)),
    'lstm_tnc': ('LSTM', False, dict()),
}

class Masked(torch.nn.Module):
    # A TransformerEncoder with a mask added to the scores: causal (MultiHeadAttention(causal)),
    # or one hiding the last position (no kind computes it: refused, not imported without it).
    def __init__(self, causal=True):
        super().__init__()
        self.causal = causal
        layer = torch.nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, batch_first=True)
        self.enc = torch.nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
    def forward(self, x):
        if self.causal:
            return self.enc(x, mask=torch.triu(torch.full((5, 5), float('-inf')), diagonal=1))
        mask = torch.zeros(5, 5)
        mask[:, 4] = float('-inf')
        return self.enc(x, mask=mask)

for name in names:
    if name.startswith('transformer_masked'):
        save(name, Masked(causal=name == 'transformer_masked'), torch.randn(2, 5, 32))
    elif name in RECURRENT:
        cell, batch_first, kw = RECURRENT[name]
        save(name, Recurrent(cell, batch_first, **kw), torch.randn(3, 6, 8) if batch_first else torch.randn(6, 3, 8))
    elif name == 'odd':
        save(name, Odd(), torch.randn(1, 3, 8, 8))
    elif name.startswith('transformer'):
        layer = torch.nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, batch_first=True)
        model = torch.nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        # The layers are deep copies of one layer: make each value its own (LayerNorm's too), so
        # a value filed under the wrong layer or parameter shows.
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.2)
        # transformer_opset14: before LayerNormalization existed, LayerNorm is spelled out.
        save(name, model, torch.randn(2, 5, 32), 14 if name == 'transformer_opset14' else 17)
    else:
        model = getattr(torchvision.models, name)()
        # Random but not trivial BatchNorm statistics, so folding them is checked.
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5); m.running_var.uniform_(0.5, 1.5)
                m.weight.data.uniform_(0.5, 1.5); m.bias.data.uniform_(-0.5, 0.5)
        save(name, model, torch.randn(1, 3, 64, 64))
