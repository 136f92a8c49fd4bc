# Prints the torch.nn.LSTM values hard-coded in LstmPyTorchTests.cs.
# Run with PyTorch (the values in the tests came from 1.13): python3 pytorch_lstm_reference.py
#
# The model is the seq2seq of LstmReference / the generated TinyLstm and TinyLstm2: tools/pytorch's Seq2Seq, whose
# torch.nn.LSTM modules carry the generated layout's state-dict names. Weights: tensor number t (in layout order),
# PyTorch row-major index k,
#   w = float32(scale * sin(0.7 k + 1.1 t + 0.3)),  scale 1.0 for embeddings and 0.5 otherwise;
# the float32 values are then run in float64 so the printed values are exact to ~1e-15.
import math, os, sys
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tools", "pytorch"))
from staticseq2seq_torch import Seq2Seq, pad_batch

VS, VT, E, H, MAXT = 11, 13, 5, 7, 5
SOURCE, TARGET = [4, 9, 5, 10, 3, 8], [7, 3, 12, 6]

def names(layers):
    rnn = lambda m: [f"{m}.rnn.{w}_l{l}" for l in range(layers) for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    return ["encoder.embedding.weight"] + rnn("encoder") + ["decoder.embedding.weight"] + rnn("decoder") + ["decoder.out.weight", "decoder.out.bias"]

def run(layers):
    model = Seq2Seq({"SourceVocabularySize": VS, "TargetVocabularySize": VT, "EmbeddingSize": E, "HiddenSize": H,
                     "Layers": layers, "Cell": "Lstm", "MaxSourceLength": len(SOURCE), "MaxTargetLength": MAXT})
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
    source, target = pad_batch([SOURCE]), pad_batch([TARGET])

    loss = model.loss(*source, *target).sum()
    loss.backward()
    print(f"layers {layers}: loss {loss.item():.17g}")
    for name in order:
        g = params[name].grad.flatten().tolist()
        weighted = sum(v * math.cos(0.37 * k + 0.5) for k, v in enumerate(g))
        squares = sum(v * v for v in g)
        print(f'    ("{name}", {weighted:.17g}, {squares:.17g}),')
    print(f"layers {layers}: greedy {model.decode_greedy(*source)[0]}")

for layers in (1, 2):
    run(layers)
print(torch.__version__)
