# Reads a StaticSeq2Seq checkpoint with PyTorch alone (no safetensors package), checks it, continues its training
# for one step, and writes the result back as a checkpoint. CheckpointPyTorchTests runs it; by hand:
#
#   python3 checkpoint_pytorch.py in.safetensors out.safetensors '{"pairs": [[[4, 5], [6]]], "batch": [0]}'
#
# It loads the model tensors into torch modules named like the generated layout with load_state_dict(strict=True),
# prints each pair's teacher-forced loss (sum over the target with EOS appended) and greedy decode, puts the
# optimizer tensors into a torch.optim optimizer's state, takes one step on the pairs named by "batch" (mean loss,
# clip_grad_norm_, step), and writes the new weights and optimizer state with the metadata updated by one step.
import json, struct, sys
import torch
from torch import nn

SOS, EOS = 1, 2
PREFIX = "optimizer."


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    body = bytearray(data[8 + n:])
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", (name, entry["dtype"])
        begin, end = entry["data_offsets"]
        tensors[name] = torch.frombuffer(body[begin:end], dtype=torch.float32).reshape(entry["shape"]).clone()
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    # Sorted by name, as the safetensors package writes: the optimizer tensors come first, unlike in our files.
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name in sorted(tensors):
        blob = tensors[name].detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


class Seq2Seq(nn.Module):
    def __init__(self, shape):
        super().__init__()
        E, H, L = shape["EmbeddingSize"], shape["HiddenSize"], shape["Layers"]
        cell = {"Rnn": lambda: nn.RNN(E, H, num_layers=L, nonlinearity="tanh"),
                "Gru": lambda: nn.GRU(E, H, num_layers=L),
                "Lstm": lambda: nn.LSTM(E, H, num_layers=L)}[shape["Cell"]]
        self.encoder = nn.Module()
        self.encoder.embedding = nn.Embedding(shape["SourceVocabularySize"], E)
        self.encoder.rnn = cell()
        self.decoder = nn.Module()
        self.decoder.embedding = nn.Embedding(shape["TargetVocabularySize"], E)
        self.decoder.rnn = cell()
        self.decoder.out = nn.Linear(H, shape["TargetVocabularySize"])
        self.max_target = shape["MaxTargetLength"]

    def loss(self, source, target):
        _, state = self.encoder.rnn(self.encoder.embedding(torch.tensor(source)).unsqueeze(1))
        outputs, _ = self.decoder.rnn(self.decoder.embedding(torch.tensor([SOS] + target)).unsqueeze(1), state)
        logits = self.decoder.out(outputs.squeeze(1))
        return nn.functional.cross_entropy(logits, torch.tensor(target + [EOS]), reduction="sum")

    @torch.no_grad()
    def greedy(self, source):
        _, state = self.encoder.rnn(self.encoder.embedding(torch.tensor(source)).unsqueeze(1))
        token, decoded = SOS, []
        for _ in range(self.max_target):
            out, state = self.decoder.rnn(self.decoder.embedding(torch.tensor([token])).unsqueeze(1), state)
            token = int(self.decoder.out(out.squeeze(1)).argmax())
            if token == EOS:
                break
            decoded.append(token)
        return decoded


def main(source_path, destination_path, job):
    tensors, metadata = read_safetensors(source_path)
    assert metadata["format"] == "pt" and metadata["staticseq2seq.version"] == "1", metadata
    shape = json.loads(metadata["staticseq2seq.model_shape"])
    model = Seq2Seq(shape)
    weights = {k: v for k, v in tensors.items() if not k.startswith(PREFIX)}
    model.load_state_dict(weights, strict=True)
    params = dict(model.named_parameters())

    pairs = job["pairs"]
    result = {
        "tensors": sorted(weights),
        "source_vocabulary": json.loads(metadata.get("staticseq2seq.source_vocabulary", "null")),
        "losses": [model.loss(s, t).item() for s, t in pairs],
        "greedy": [model.greedy(s) for s, _ in pairs],
    }

    settings, trainer = json.loads(metadata["staticseq2seq.optimizer"]), json.loads(metadata["staticseq2seq.trainer"])
    kind, step = settings["kind"], settings["step"]
    ordered = list(params.values())
    if kind in ("Adam", "AdamW"):
        make = torch.optim.Adam if kind == "Adam" else torch.optim.AdamW
        optimizer = make(ordered, lr=settings["lr"], betas=(settings["beta1"], settings["beta2"]),
                         eps=settings["eps"], weight_decay=settings["weight_decay"])
        for name, p in params.items():
            optimizer.state[p] = {"step": torch.tensor(float(step)),
                                  "exp_avg": tensors[f"{PREFIX}exp_avg.{name}"],
                                  "exp_avg_sq": tensors[f"{PREFIX}exp_avg_sq.{name}"]}
        buffers = ["exp_avg", "exp_avg_sq"]
    else:
        optimizer = torch.optim.SGD(ordered, lr=settings["lr"], momentum=settings["momentum"],
                                    weight_decay=settings["weight_decay"])
        if step > 0:  # PyTorch keeps no buffer before the first step
            for name, p in params.items():
                optimizer.state[p] = {"momentum_buffer": tensors[f"{PREFIX}momentum_buffer.{name}"]}
        buffers = ["momentum_buffer"]

    batch = job["batch"]
    optimizer.zero_grad()
    loss = sum(model.loss(*pairs[i]) for i in batch) / len(batch)
    loss.backward()
    if trainer["clip_norm"] > 0:
        torch.nn.utils.clip_grad_norm_(ordered, trainer["clip_norm"])
    optimizer.step()
    result["step_loss"] = loss.item()

    out = {name: p.detach() for name, p in params.items()}
    for name, p in params.items():
        for buffer in buffers:
            out[f"{PREFIX}{buffer}.{name}"] = optimizer.state[p][buffer]
    settings["step"] = step + 1
    trainer["steps_completed"] += 1
    metadata["staticseq2seq.optimizer"] = json.dumps(settings)
    metadata["staticseq2seq.trainer"] = json.dumps(trainer)
    write_safetensors(destination_path, out, metadata)
    result["torch"] = torch.__version__
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
