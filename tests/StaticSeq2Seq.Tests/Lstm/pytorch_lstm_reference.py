# Prints the torch.nn.LSTM values hard-coded in LstmPyTorchTests.cs.
# Run with PyTorch (the values in the tests came from 1.13): python3 pytorch_lstm_reference.py
#
# The model is the seq2seq of LstmReference / the generated TinyLstm and TinyLstm2, as PyTorch modules with the
# generated layout's state-dict names. Weights: tensor number t (in layout order), PyTorch row-major index k,
#   w = float32(scale * sin(0.7 k + 1.1 t + 0.3)),  scale 1.0 for embeddings and 0.5 otherwise;
# the float32 values are then run in float64 so the printed values are exact to ~1e-15.
import math, torch
from torch import nn

SOS, EOS = 1, 2
VS, VT, E, H, MAXT = 11, 13, 5, 7, 5
SOURCE, TARGET = [4, 9, 5, 10, 3, 8], [7, 3, 12, 6]

class Encoder(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.embedding = nn.Embedding(VS, E)
        self.rnn = nn.LSTM(E, H, num_layers=layers)

class Decoder(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.embedding = nn.Embedding(VT, E)
        self.rnn = nn.LSTM(E, H, num_layers=layers)
        self.out = nn.Linear(H, VT)

class Seq2Seq(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.encoder, self.decoder = Encoder(layers), Decoder(layers)

def names(layers):
    rnn = lambda m: [f"{m}.rnn.{w}_l{l}" for l in range(layers) for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    return ["encoder.embedding.weight"] + rnn("encoder") + ["decoder.embedding.weight"] + rnn("decoder") + ["decoder.out.weight", "decoder.out.bias"]

def run(layers):
    model = Seq2Seq(layers)
    params = dict(model.named_parameters())
    order = names(layers)
    assert sorted(order) == sorted(params)
    with torch.no_grad():
        for t, name in enumerate(order):
            p = params[name]
            scale = 1.0 if name.endswith("embedding.weight") else 0.5
            values = [math.sin(0.7 * k + 1.1 * t + 0.3) * scale for k in range(p.numel())]
            p.copy_(torch.tensor(values, dtype=torch.float32).reshape(p.shape))
    model = model.double()
    enc, dec = model.encoder, model.decoder

    _, state = enc.rnn(enc.embedding(torch.tensor(SOURCE)).unsqueeze(1))
    inputs = torch.tensor([SOS] + TARGET)
    outputs, _ = dec.rnn(dec.embedding(inputs).unsqueeze(1), state)
    logits = dec.out(outputs.squeeze(1))
    loss = nn.functional.cross_entropy(logits, torch.tensor(TARGET + [EOS]), reduction="sum")
    loss.backward()
    print(f"layers {layers}: loss {loss.item():.17g}")
    for name in order:
        g = params[name].grad.flatten().tolist()
        weighted = sum(v * math.cos(0.37 * k + 0.5) for k, v in enumerate(g))
        squares = sum(v * v for v in g)
        print(f'    ("{name}", {weighted:.17g}, {squares:.17g}),')

    with torch.no_grad():
        _, state = enc.rnn(enc.embedding(torch.tensor(SOURCE)).unsqueeze(1))
        token, decoded = SOS, []
        for _ in range(MAXT):
            out, state = dec.rnn(dec.embedding(torch.tensor([token])).unsqueeze(1), state)
            token = int(dec.out(out.squeeze(1)).argmax())
            if token == EOS:
                break
            decoded.append(token)
    print(f"layers {layers}: greedy {decoded}")

for layers in (1, 2):
    run(layers)
print(torch.__version__)
