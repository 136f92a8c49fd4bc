"""The models StaticSeq2Seq generates, as an ordinary torch.nn.Module, and its safetensors checkpoints.

Train a model here (GPUs, distributed, the usual PyTorch tools) and deploy the weights to the C# model of the same
shape, or continue in PyTorch from a checkpoint the C# side saved. Plain torch (1.13 or later), nothing else:

    from staticseq2seq_torch import load_checkpoint, save_checkpoint, pad_batch
    model, checkpoint = load_checkpoint("model.safetensors")        # the shape and vocabularies come from the file
    source, source_lengths = pad_batch([[4, 5, 6], [7, 8]])
    target, target_lengths = pad_batch([[9, 10], [11]])
    loss = model.loss(source, source_lengths, target, target_lengths).mean()
    loss.backward()
    save_checkpoint("trained.safetensors", model, checkpoint.source_vocabulary, checkpoint.target_vocabulary)

The math is the generated code's, step for step:

    encoder   stacked torch RNN (tanh) / GRU / LSTM from zero state over the real source only; its top layer's
              outputs are the attention's keys k_j. With BidirectionalEncoder, torch's bidirectional RNN (a layer
              above the first reads [forward ; reverse] of the layer below), the reverse direction starting at the
              last real token; k_j = forward_j + reverse_j.
    bridge    the decoder's layer l starts from the encoder's final state of layer l (h, and c for an LSTM); with a
              bidirectional encoder from forward_final_l + reverse_final_l.
    decoder   reads SOS then the target; each step:
              None          logits = W_out h_top' + b_out
              Bahdanau      q = h_top before the step; score_j = V_a . tanh(W_a q + b_a + U_a k_j + b_Ua) + b_Va;
                            a = softmax(score) over the real source; c = sum_j a_j k_j; layer 0 reads
                            [embedding ; c]; logits = W_out h_top' + b_out
              LuongDot /    h = h_top' (after the step); score_j = h . k_j (dot) or h . (W_a k_j) (general);
              LuongGeneral  a = softmax(score) over the real source; c = sum_j a_j k_j;
                            h~ = tanh(W_c [c ; h] + b_c); logits = W_out h~ + b_out
    loss      sum over the steps of -log softmax(logits)[expected], expected = target then EOS
    greedy    argmax of the logits (first index on ties) fed back, until EOS (not returned) or MaxTargetLength steps

Token ids 0-3 are PAD, SOS, EOS, UNK. Parameter names and shapes are the generated layout's, which are torch's:
encoder.embedding.weight, encoder.rnn.weight_ih_l0 (and _reverse), ..., decoder.attention.{Wa,Ua,Va,Wc}.*,
decoder.out.weight, decoder.out.bias.
"""
import json
import os
import struct
import sys

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, SOS, EOS, UNK = 0, 1, 2, 3
SPECIAL_TOKENS = ["<pad>", "<sos>", "<eos>", "<unk>"]
FORMAT_VERSION = 1
OPTIMIZER_PREFIX = "optimizer."
CELLS = ("Rnn", "Gru", "Lstm")
ATTENTIONS = ("None", "LuongDot", "LuongGeneral", "Bahdanau")
SHAPE_FIELDS = ("SourceVocabularySize", "TargetVocabularySize", "EmbeddingSize", "HiddenSize", "Layers",
                "MaxSourceLength", "MaxTargetLength")

_FORMAT_KEY = "format"
_LIBRARY_PREFIX = "staticseq2seq."
_VERSION_KEY = "staticseq2seq.version"
_SHAPE_KEY = "staticseq2seq.model_shape"
_SOURCE_VOCABULARY_KEY = "staticseq2seq.source_vocabulary"
_TARGET_VOCABULARY_KEY = "staticseq2seq.target_vocabulary"
_OPTIMIZER_KEY = "staticseq2seq.optimizer"
_TRAINER_KEY = "staticseq2seq.trainer"


class CheckpointError(ValueError):
    """A checkpoint file is damaged, or does not fit the model it is loaded into; the message says which and why."""


# ----------------------------------------------------------------------------------------------------------- safetensors

def read_safetensors(path):
    """The tensors (name -> float32 tensor, in the file's shapes) and the string metadata of a safetensors file."""
    if sys.byteorder != "little":
        raise CheckpointError("safetensors data is little-endian and torch.frombuffer reads the machine's order; use a little-endian machine.")
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise CheckpointError(f"{path}: {len(data)} bytes is too short for a safetensors file's 8-byte header length.")
    (header_length,) = struct.unpack("<Q", data[:8])
    if 8 + header_length > len(data):
        raise CheckpointError(f"{path}: the header length {header_length} runs past the end of the {len(data)}-byte file.")
    try:
        header = json.loads(data[8:8 + header_length].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(f"{path}: the header is not UTF-8 JSON ({error}).") from error
    metadata = header.pop("__metadata__", {}) or {}
    body = bytearray(data[8 + header_length:])
    tensors = {}
    for name, entry in header.items():
        if entry.get("dtype") != "F32":
            raise CheckpointError(f"{path}: tensor '{name}' has dtype {entry.get('dtype')}; StaticSeq2Seq checkpoints hold F32 only.")
        begin, end = entry["data_offsets"]
        shape = [int(d) for d in entry["shape"]]
        count = 1
        for d in shape:
            count *= d
        if not 0 <= begin <= end <= len(body) or end - begin != 4 * count:
            raise CheckpointError(f"{path}: tensor '{name}' of shape {shape} has byte range [{begin}, {end}), "
                                  f"which does not hold {count} floats inside the {len(body)}-byte data.")
        values = torch.frombuffer(body, dtype=torch.float32, count=count, offset=begin) if count else torch.empty(0)
        tensors[name] = values.reshape(shape).clone()
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """Writes float32 tensors and string metadata as safetensors, atomically: a temporary file renamed over path."""
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    # Sorted by name, as the safetensors package writes.
    for name in sorted(tensors):
        tensor = tensors[name].detach().to("cpu", torch.float32).contiguous()
        blob = tensor.numpy().astype("<f4", copy=False).tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


# ------------------------------------------------------------------------------------------------------------- the model

def check_shape(shape):
    """Checks a model shape (the metadata's staticseq2seq.model_shape, as a dict) and returns it with defaults filled."""
    shape = dict(shape)
    shape.setdefault("Attention", "None")
    shape.setdefault("BidirectionalEncoder", False)
    for field in SHAPE_FIELDS:
        value = shape.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise CheckpointError(f"model shape field {field} is {value!r}; it must be a whole number of at least 1.")
    for field in ("SourceVocabularySize", "TargetVocabularySize"):
        if shape[field] <= len(SPECIAL_TOKENS):
            raise CheckpointError(f"model shape field {field} is {shape[field]}; ids 0-3 are the special tokens, so it must exceed 4.")
    if shape.get("Cell") not in CELLS:
        raise CheckpointError(f"model shape field Cell is {shape.get('Cell')!r}; it must be one of {', '.join(CELLS)}.")
    if shape["Attention"] not in ATTENTIONS:
        raise CheckpointError(f"model shape field Attention is {shape['Attention']!r}; it must be one of {', '.join(ATTENTIONS)}.")
    if not isinstance(shape["BidirectionalEncoder"], bool):
        raise CheckpointError(f"model shape field BidirectionalEncoder is {shape['BidirectionalEncoder']!r}; it must be true or false.")
    return shape


def _recurrent(cell, input_size, hidden_size, layers, bidirectional=False):
    if cell == "Rnn":
        return nn.RNN(input_size, hidden_size, num_layers=layers, nonlinearity="tanh", batch_first=True, bidirectional=bidirectional)
    if cell == "Gru":
        return nn.GRU(input_size, hidden_size, num_layers=layers, batch_first=True, bidirectional=bidirectional)
    return nn.LSTM(input_size, hidden_size, num_layers=layers, batch_first=True, bidirectional=bidirectional)


class Seq2Seq(nn.Module):
    """The encoder-decoder of one StaticSeq2Seq shape; initialised as torch initialises its modules (as the C# side does)."""

    def __init__(self, shape):
        super().__init__()
        self.shape = check_shape(shape)
        E, H, L = self.shape["EmbeddingSize"], self.shape["HiddenSize"], self.shape["Layers"]
        cell, attention = self.shape["Cell"], self.shape["Attention"]
        self.encoder = nn.Module()
        self.encoder.embedding = nn.Embedding(self.shape["SourceVocabularySize"], E)
        self.encoder.rnn = _recurrent(cell, E, H, L, self.shape["BidirectionalEncoder"])
        self.decoder = nn.Module()
        self.decoder.embedding = nn.Embedding(self.shape["TargetVocabularySize"], E)
        # With Bahdanau attention the first layer reads [embedding ; context].
        self.decoder.rnn = _recurrent(cell, E + H if attention == "Bahdanau" else E, H, L)
        if attention != "None":
            self.decoder.attention = nn.Module()
        if attention == "Bahdanau":
            self.decoder.attention.Wa = nn.Linear(H, H)
            self.decoder.attention.Ua = nn.Linear(H, H)
            self.decoder.attention.Va = nn.Linear(H, 1)
        if attention == "LuongGeneral":
            self.decoder.attention.Wa = nn.Linear(H, H, bias=False)
        if attention in ("LuongDot", "LuongGeneral"):
            self.decoder.attention.Wc = nn.Linear(2 * H, H)
        self.decoder.out = nn.Linear(H, self.shape["TargetVocabularySize"])

    @property
    def attention(self):
        return self.shape["Attention"]

    # Encoder ----------------------------------------------------------------------------------------------------------

    def encode(self, source, source_lengths):
        """Runs the encoder over padded sources (B, S) of the given lengths. Returns the keys (B, S, H), the mask of real
        source positions (B, S) and the decoder's initial state (each (L, B, H); a tuple (h, c) for an LSTM)."""
        _check_batch(source, source_lengths, self.shape["SourceVocabularySize"], self.shape["MaxSourceLength"], "source")
        batch, width = source.shape
        lengths = source_lengths.to("cpu", torch.int64)
        packed = pack_padded_sequence(self.encoder.embedding(source), lengths, batch_first=True, enforce_sorted=False)
        outputs, state = self.encoder.rnn(packed)
        outputs, _ = pad_packed_sequence(outputs, batch_first=True, total_length=width)
        if self.shape["BidirectionalEncoder"]:
            H, L = self.shape["HiddenSize"], self.shape["Layers"]
            outputs = outputs[..., :H] + outputs[..., H:]
            # torch orders the final states layer by layer, forward then reverse: (L * 2, B, H).
            bridge = lambda s: s.view(L, 2, batch, H).sum(dim=1)
            state = tuple(bridge(s) for s in state) if isinstance(state, tuple) else bridge(state)
        mask = torch.arange(width, device=source.device)[None, :] < source_lengths.to(source.device)[:, None]
        return outputs, mask, state

    # Attention --------------------------------------------------------------------------------------------------------

    def _project_keys(self, keys):
        """The part of the scores that depends on the source alone, computed once per source as the generated code does."""
        if self.attention == "Bahdanau":
            return self.decoder.attention.Ua(keys)
        if self.attention == "LuongGeneral":
            return self.decoder.attention.Wa(keys)
        return keys

    @staticmethod
    def _attend(scores, mask, keys):
        """softmax over the real source positions of scores (B, T, S), and the contexts (B, T, H)."""
        weights = torch.softmax(scores.masked_fill(~mask[:, None, :], float("-inf")), dim=-1)
        return weights, torch.bmm(weights, keys)

    def _bahdanau(self, query, keys, projected, mask):
        attention = self.decoder.attention
        energy = torch.tanh(attention.Wa(query)[:, None, :] + projected)  # (B, S, H)
        scores = attention.Va(energy).squeeze(-1)[:, None, :]  # (B, 1, S)
        weights, context = self._attend(scores, mask, keys)
        return weights.squeeze(1), context.squeeze(1)

    def _luong_output(self, outputs, keys, projected, mask):
        """h~ = tanh(W_c [c ; h] + b_c) for top-layer outputs (B, T, H), and the weights (B, T, S)."""
        scores = torch.bmm(outputs, projected.transpose(1, 2))
        weights, context = self._attend(scores, mask, keys)
        return torch.tanh(self.decoder.attention.Wc(torch.cat([context, outputs], dim=-1))), weights

    # Decoder ----------------------------------------------------------------------------------------------------------

    def _top(self, state):
        return (state[0] if isinstance(state, tuple) else state)[-1]

    def decode_step(self, tokens, state, keys, projected, mask):
        """One decoder step for a batch: reads tokens (B,), returns the logits (B, V), the new state and the attention
        weights (B, S) (None without attention). keys, projected and mask come from encode and _project_keys."""
        x = self.decoder.embedding(tokens)[:, None, :]
        weights = None
        if self.attention == "Bahdanau":
            weights, context = self._bahdanau(self._top(state), keys, projected, mask)
            x = torch.cat([x, context[:, None, :]], dim=-1)
        outputs, state = self.decoder.rnn(x, state)
        if self.attention in ("LuongDot", "LuongGeneral"):
            outputs, weights = self._luong_output(outputs, keys, projected, mask)
            weights = weights.squeeze(1)
        return self.decoder.out(outputs.squeeze(1)), state, weights

    def forward(self, source, source_lengths, target, target_lengths):
        """Teacher-forced logits (B, T + 1, V) for padded sources (B, S) and targets (B, T): step i reads SOS then the
        target and predicts the target then EOS. Steps past a target's length + 1 are padding."""
        _check_batch(target, target_lengths, self.shape["TargetVocabularySize"], self.shape["MaxTargetLength"], "target")
        keys, mask, state = self.encode(source, source_lengths)
        projected = self._project_keys(keys) if self.attention != "None" else None
        batch = target.shape[0]
        inputs = torch.cat([torch.full((batch, 1), SOS, dtype=target.dtype, device=target.device), target], dim=1)
        if self.attention == "Bahdanau":
            # Each step's context depends on the state before it: step by step.
            logits = []
            for i in range(inputs.shape[1]):
                step_logits, state, _ = self.decode_step(inputs[:, i], state, keys, projected, mask)
                logits.append(step_logits)
            return torch.stack(logits, dim=1)
        outputs, _ = self.decoder.rnn(self.decoder.embedding(inputs), state)
        if self.attention != "None":
            outputs, _ = self._luong_output(outputs, keys, projected, mask)
        return self.decoder.out(outputs)

    def loss(self, source, source_lengths, target, target_lengths):
        """Each pair's loss (B,): sum over the target with EOS appended of -log p(y_i | y_<i, x), as the C# Forward."""
        logits = self(source, source_lengths, target, target_lengths)
        expected = expected_tokens(target, target_lengths)
        losses = nn.functional.cross_entropy(logits.transpose(1, 2), expected, ignore_index=-100, reduction="none")
        return losses.sum(dim=1)

    @torch.no_grad()
    def decode_greedy(self, source, source_lengths, return_logits=False):
        """Greedy decoding of padded sources: a list of token lists (EOS not included), and with return_logits also
        each sequence's step logits (steps, V), one step per token plus one for EOS unless it stopped at the maximum."""
        keys, mask, state = self.encode(source, source_lengths)
        projected = self._project_keys(keys) if self.attention != "None" else None
        batch = source.shape[0]
        tokens = torch.full((batch,), SOS, dtype=torch.int64, device=source.device)
        decoded, step_logits = [[] for _ in range(batch)], [[] for _ in range(batch)]
        running = [True] * batch
        for _ in range(self.shape["MaxTargetLength"]):
            logits, state, _ = self.decode_step(tokens, state, keys, projected, mask)
            tokens = logits.argmax(dim=-1)
            for b, token in enumerate(tokens.tolist()):
                if not running[b]:
                    continue
                step_logits[b].append(logits[b])
                if token == EOS:
                    running[b] = False
                else:
                    decoded[b].append(token)
            if not any(running):
                break
        if return_logits:
            return decoded, [torch.stack(rows) for rows in step_logits]
        return decoded


def expected_tokens(target, target_lengths):
    """What each teacher-forced step must predict (B, T + 1): the target, EOS at its length, -100 (ignored) after."""
    batch, width = target.shape
    expected = torch.full((batch, width + 1), -100, dtype=torch.int64, device=target.device)
    positions = torch.arange(width + 1, device=target.device)[None, :]
    lengths = target_lengths.to(target.device)[:, None]
    expected[:, :width] = torch.where(positions[:, :width] < lengths, target, expected[:, :width])
    expected[positions.expand(batch, -1) == lengths] = EOS
    return expected


def pad_batch(sequences, device=None):
    """Token-id lists -> (padded (B, longest) int64 tensor, lengths (B,) int64 tensor); padding is PAD."""
    longest = max((len(s) for s in sequences), default=0)
    padded = torch.full((len(sequences), longest), PAD, dtype=torch.int64)
    for b, sequence in enumerate(sequences):
        padded[b, :len(sequence)] = torch.tensor(sequence, dtype=torch.int64)
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.int64)
    return (padded, lengths) if device is None else (padded.to(device), lengths.to(device))


def _check_batch(tokens, lengths, vocabulary_size, max_length, what):
    if tokens.dim() != 2 or lengths.dim() != 1 or lengths.shape[0] != tokens.shape[0]:
        raise ValueError(f"the {what} must be a (batch, length) tensor with a (batch,) tensor of lengths; "
                         f"got shapes {tuple(tokens.shape)} and {tuple(lengths.shape)}.")
    if lengths.numel() and (int(lengths.min()) < 1 or int(lengths.max()) > min(max_length, tokens.shape[1])):
        raise ValueError(f"every {what} length must be 1 to {max_length} (the model's maximum) and fit the tensor's "
                         f"{tokens.shape[1]} columns; got lengths {lengths.tolist()}.")
    if tokens.numel() and (int(tokens.min()) < 0 or int(tokens.max()) >= vocabulary_size):
        raise ValueError(f"{what} token ids must be 0 to {vocabulary_size - 1}; got {int(tokens.min())} to {int(tokens.max())}.")


# ----------------------------------------------------------------------------------------------------------- checkpoints

class Checkpoint:
    """What a checkpoint holds besides the model's weights: its shape, vocabularies (token lists in id order, or
    None), raw metadata and every tensor (the optimizer's under OPTIMIZER_PREFIX)."""

    def __init__(self, path, tensors, metadata):
        if metadata.get(_FORMAT_KEY) != "pt" or _VERSION_KEY not in metadata or _SHAPE_KEY not in metadata:
            raise CheckpointError(f"{path}: the metadata has no StaticSeq2Seq model shape (keys {sorted(metadata)}); "
                                  "save checkpoints with Checkpoint.Save or save_checkpoint.")
        if int(metadata[_VERSION_KEY]) > FORMAT_VERSION:
            raise CheckpointError(f"{path}: format version {metadata[_VERSION_KEY]} is newer than this module's {FORMAT_VERSION}.")
        self.path = path
        self.tensors = tensors
        self.metadata = metadata
        self.shape = check_shape(json.loads(metadata[_SHAPE_KEY]))
        self.source_vocabulary = _vocabulary(metadata.get(_SOURCE_VOCABULARY_KEY))
        self.target_vocabulary = _vocabulary(metadata.get(_TARGET_VOCABULARY_KEY))
        self.optimizer = json.loads(metadata[_OPTIMIZER_KEY]) if _OPTIMIZER_KEY in metadata else None
        self.trainer = json.loads(metadata[_TRAINER_KEY]) if _TRAINER_KEY in metadata else None

    @property
    def application_metadata(self):
        """The metadata entries the application that saved the checkpoint added (none of the library's keys)."""
        return {k: v for k, v in self.metadata.items() if k != _FORMAT_KEY and not k.startswith(_LIBRARY_PREFIX)}

    @property
    def weights(self):
        return {k: v for k, v in self.tensors.items() if not k.startswith(OPTIMIZER_PREFIX)}


def _vocabulary(text):
    if text is None:
        return None
    tokens = json.loads(text)
    if tokens[:len(SPECIAL_TOKENS)] != SPECIAL_TOKENS:
        raise CheckpointError(f"a vocabulary must start with {SPECIAL_TOKENS}; this one starts with {tokens[:4]}.")
    return tokens


def read_checkpoint(path):
    """Reads a StaticSeq2Seq checkpoint without building a model."""
    tensors, metadata = read_safetensors(path)
    return Checkpoint(path, tensors, metadata)


def load_checkpoint(path, device=None):
    """The model a checkpoint describes, with its weights (strict: every tensor by name and shape), and the Checkpoint."""
    checkpoint = read_checkpoint(path)
    model = Seq2Seq(checkpoint.shape)
    expected = model.state_dict()
    weights = checkpoint.weights
    missing, unexpected = sorted(set(expected) - set(weights)), sorted(set(weights) - set(expected))
    if missing or unexpected:
        raise CheckpointError(f"{path}: the tensors do not fit the shape {checkpoint.shape}: missing {missing}, unexpected {unexpected}.")
    for name, tensor in weights.items():
        if tuple(tensor.shape) != tuple(expected[name].shape):
            raise CheckpointError(f"{path}: tensor '{name}' has shape {list(tensor.shape)}; the model needs {list(expected[name].shape)}.")
    model.load_state_dict(weights, strict=True)
    return (model if device is None else model.to(device)), checkpoint


def restore_optimizer(checkpoint, model):
    """A torch.optim Adam, AdamW or SGD with the checkpoint's settings, learning rate, step count and moments."""
    settings = checkpoint.optimizer
    if settings is None:
        raise CheckpointError(f"{checkpoint.path}: holds no optimizer state; it was saved without a trainer.")
    kind, step = settings["kind"], int(settings["step"])
    params = dict(model.named_parameters())
    ordered = list(params.values())

    def buffer(name, parameter):
        return checkpoint.tensors[f"{OPTIMIZER_PREFIX}{name}.{parameter}"].to(params[parameter].device)

    if kind in ("Adam", "AdamW"):
        make = torch.optim.Adam if kind == "Adam" else torch.optim.AdamW
        optimizer = make(ordered, lr=settings["lr"], betas=(settings["beta1"], settings["beta2"]),
                         eps=settings["eps"], weight_decay=settings["weight_decay"])
        for name, p in params.items():
            optimizer.state[p] = {"step": torch.tensor(float(step)), "exp_avg": buffer("exp_avg", name),
                                  "exp_avg_sq": buffer("exp_avg_sq", name)}
    elif kind == "SGD":
        optimizer = torch.optim.SGD(ordered, lr=settings["lr"], momentum=settings["momentum"],
                                    weight_decay=settings["weight_decay"])
        if step > 0:  # PyTorch keeps no buffer before the first step
            for name, p in params.items():
                optimizer.state[p] = {"momentum_buffer": buffer("momentum_buffer", name)}
    else:
        raise CheckpointError(f"{checkpoint.path}: optimizer kind {kind!r} is none of Adam, AdamW, SGD.")
    return optimizer


def _describe_optimizer(optimizer, model, step):
    group = optimizer.param_groups[0]
    params = dict(model.named_parameters())
    if isinstance(optimizer, (torch.optim.Adam, torch.optim.AdamW)):
        kind = "AdamW" if isinstance(optimizer, torch.optim.AdamW) else "Adam"
        if step is None:
            first = optimizer.state.get(next(iter(params.values())), {})
            step = int(first["step"]) if "step" in first else 0
        settings = {"kind": kind, "lr": group["lr"], "step": step, "beta1": group["betas"][0],
                    "beta2": group["betas"][1], "eps": group["eps"], "weight_decay": group["weight_decay"]}
        buffers = ["exp_avg", "exp_avg_sq"]
    elif isinstance(optimizer, torch.optim.SGD):
        if step is None:
            raise ValueError("torch.optim.SGD counts no steps: give optimizer_step, the number of steps taken.")
        settings = {"kind": "SGD", "lr": group["lr"], "step": step, "momentum": group["momentum"],
                    "weight_decay": group["weight_decay"]}
        buffers = ["momentum_buffer"]
    else:
        raise TypeError(f"a checkpoint holds the state of Adam, AdamW and SGD, not of {type(optimizer).__name__}.")
    tensors = {}
    for buffer in buffers:
        for name, p in params.items():
            state = optimizer.state.get(p, {}).get(buffer)
            tensors[f"{OPTIMIZER_PREFIX}{buffer}.{name}"] = torch.zeros_like(p) if state is None else state
    return settings, tensors


def save_checkpoint(path, model, source_vocabulary=None, target_vocabulary=None, optimizer=None, trainer=None,
                    optimizer_step=None, metadata=None):
    """Writes the model (and, with optimizer and trainer, the training state) as a checkpoint Checkpoint.Load reads.

    Vocabularies are token lists in id order. metadata holds the application's own string entries (CheckpointInfo.Metadata
    on the C# side; Checkpoint.application_metadata of a checkpoint read here); the library's keys are refused. trainer is the C# trainer's state to resume from: the trainer dict of
    the checkpoint the training started from (Checkpoint.trainer), its counters advanced; Checkpoint.Load needs it
    beside an optimizer. optimizer_step is the optimizer's step count: read from Adam's state when not given, and
    required for SGD, which counts none.
    """
    tensors = dict(model.state_dict())
    application = dict(metadata or {})
    for key, value in application.items():
        if key == _FORMAT_KEY or key.startswith(_LIBRARY_PREFIX) or not isinstance(value, str):
            raise ValueError(f"metadata entry {key!r}: application entries are strings under keys other than "
                             f"'{_FORMAT_KEY}' and '{_LIBRARY_PREFIX}*', which the library's entries use.")
    metadata = {**application, _FORMAT_KEY: "pt", _VERSION_KEY: str(FORMAT_VERSION), _SHAPE_KEY: json.dumps(model.shape)}
    for key, vocabulary, size in ((_SOURCE_VOCABULARY_KEY, source_vocabulary, "SourceVocabularySize"),
                                  (_TARGET_VOCABULARY_KEY, target_vocabulary, "TargetVocabularySize")):
        if vocabulary is not None:
            if len(vocabulary) > model.shape[size] or list(vocabulary[:4]) != SPECIAL_TOKENS:
                raise ValueError(f"a vocabulary starts with {SPECIAL_TOKENS} and has at most {size} = {model.shape[size]} tokens; "
                                 f"this one has {len(vocabulary)} starting with {list(vocabulary[:4])}.")
            metadata[key] = json.dumps(list(vocabulary))
    if (optimizer is None) != (trainer is None):
        raise ValueError("give both the optimizer and the trainer state, or neither.")
    if optimizer is not None:
        settings, moments = _describe_optimizer(optimizer, model, optimizer_step)
        metadata[_OPTIMIZER_KEY] = json.dumps(settings)
        metadata[_TRAINER_KEY] = json.dumps(trainer)
        tensors.update(moments)
    write_safetensors(path, tensors, metadata)
