"""PyTorch peer of the StaticSeq2Seq benchmarks: the same GRU encoder-decoder (configuration S or M), the same sizes,
the same workloads, in PyTorch's fastest honest CPU form (inference_mode, TorchScript, mv/addmv for batch-1
projections, one thread, OpenBLAS on the widest kernels the CPU runs). Also exports the encoder and one decoder step to ONNX for the ONNX Runtime peer.

Prints one JSON object on stdout: {"config": .., "greedy": {"median_s": .., "p95_s": ..}, "beam4": {..},
"train_step32": {..}}; each figure is seconds per operation (one decode of one source, or one optimizer step on 32
pairs), the median and 95th percentile over measured iterations, each iteration the mean of several operations.

Run with Debian's PyTorch: /usr/bin/python3 bench/pytorch/peer.py --config M --iterations 10 --onnx-dir /tmp/onnx
"""

import argparse
import json
import os
import subprocess
import sys
import time

CONFIGS = {
    # vocabulary, embedding, hidden, source length, target length, Bahdanau attention
    "S": dict(vocab=64, embedding=32, hidden=64, source_length=16, target_length=16, attention=False),
    "M": dict(vocab=2000, embedding=128, hidden=256, source_length=20, target_length=20, attention=True),
}
SOS, EOS, SPECIAL = 1, 2, 4


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", choices=sorted(CONFIGS), required=True)
    parser.add_argument("--iterations", type=int, default=10, help="measured iterations per workload")
    parser.add_argument("--iteration-seconds", type=float, default=0.05, help="least time one iteration runs")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--onnx-dir", help="write encoder.onnx and step.onnx for this configuration here")
    return parser.parse_args()


def detected_openblas_core() -> str:
    """The kernel set OpenBLAS picks by itself on this CPU, asked in a child process: the choice is made when the
    library loads, so asking here would fix it before OPENBLAS_CORETYPE could be set."""
    probe = ("import ctypes; blas = ctypes.CDLL('libblas.so.3'); blas.openblas_get_corename.restype = ctypes.c_char_p; "
             "print(blas.openblas_get_corename().decode())")
    environment = {key: value for key, value in os.environ.items() if key != "OPENBLAS_CORETYPE"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=environment)
    return result.stdout.strip() if result.returncode == 0 else ""


def openblas_core() -> str:
    """OpenBLAS chooses its kernels from the CPU's model number, and a release older than the CPU falls back to its
    SSE3 kernels ("Prescott"): on a CPU newer than Debian 12's OpenBLAS 0.3.21 that runs matrix-vector products at a
    third of the speed of its AVX-512 kernels, which would make the peer slower than it is. A core named in
    OPENBLAS_CORETYPE, or one OpenBLAS recognised, is kept; after a fallback the core is chosen from the CPU's
    flags. Returns the core in use."""
    if os.environ.get("OPENBLAS_CORETYPE"):
        return os.environ["OPENBLAS_CORETYPE"]
    detected = detected_openblas_core()
    if detected not in ("", "Prescott", "Core2", "Nehalem", "Sandybridge"):
        return detected
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            flags = next((line.split(":", 1)[1].split() for line in cpuinfo if line.startswith("flags")), [])
    except OSError:
        flags = []
    if {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"}.issubset(flags):
        os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
    elif {"avx2", "fma"}.issubset(flags):
        os.environ["OPENBLAS_CORETYPE"] = "Haswell"
    return os.environ.get("OPENBLAS_CORETYPE", detected)


arguments = parse_arguments()
# OpenBLAS reads its thread count and kernel set when the library loads, so both are set before torch is imported.
os.environ["OPENBLAS_NUM_THREADS"] = str(arguments.threads)
os.environ["OMP_NUM_THREADS"] = str(arguments.threads)
OPENBLAS_CORE = openblas_core()

import torch  # noqa: E402
from torch import Tensor, nn  # noqa: E402

torch.set_num_threads(arguments.threads)
torch.set_num_interop_threads(1)


@torch.jit.script
def gru_update(gi: Tensor, gh: Tensor, h: Tensor) -> Tensor:
    """nn.GRUCell's update from the input-side and state-side products, gate order r, z, n, on the last dimension."""
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = gh.chunk(3, -1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return n + z * (h - n)


class Seq2Seq(nn.Module):
    """nn.Embedding + nn.GRU encoder, a GRU decoder (with the tutorial's Bahdanau attention in M) and nn.Linear output;
    the tensors and their initialisation are those of StaticSeq2Seq's layout table."""

    def __init__(self, vocab: int, embedding: int, hidden: int, attention: bool):
        super().__init__()
        self.hidden = hidden
        self.attention = attention
        self.source_embedding = nn.Embedding(vocab, embedding)
        self.target_embedding = nn.Embedding(vocab, embedding)
        self.encoder = nn.GRU(embedding, hidden, batch_first=True)
        self.decoder = nn.GRUCell(embedding + (hidden if attention else 0), hidden)
        self.Wa = nn.Linear(hidden, hidden)
        self.Ua = nn.Linear(hidden, hidden)
        self.Va = nn.Linear(hidden, 1)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, source: Tensor, decoder_input: Tensor, labels: Tensor) -> Tensor:
        """Teacher-forced loss summed over a pair's tokens and averaged over the batch (StaticSeq2Seq's trainer loss)."""
        keys, state = self.encoder(self.source_embedding(source))
        h = state[0]
        embedded = self.target_embedding(decoder_input)
        projected_keys = self.Ua(keys)
        outputs = []
        for i in range(decoder_input.size(1)):
            x = embedded[:, i]
            if self.attention:
                scores = self.Va(torch.tanh(self.Wa(h).unsqueeze(1) + projected_keys)).squeeze(2)
                weights = torch.softmax(scores, dim=1)
                context = torch.bmm(weights.unsqueeze(1), keys).squeeze(1)
                x = torch.cat([x, context], dim=1)
            h = self.decoder(x, h)
            outputs.append(h)
        logits = self.out(torch.stack(outputs, dim=1))
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.size(2)), labels.reshape(-1), reduction="sum")
        return loss / source.size(0)


class BatchOneDecoder(nn.Module):
    """Greedy and beam decoding at batch 1 on the same tensors, scripted; projections of one vector are addmv."""

    def __init__(self, model: Seq2Seq, target_length: int):
        super().__init__()
        self.attention = model.attention
        self.target_length = target_length
        self.hidden = model.hidden
        self.sos = SOS
        self.source_embedding = model.source_embedding.weight
        self.target_embedding = model.target_embedding.weight
        self.encoder = model.encoder
        self.w_ih, self.w_hh = model.decoder.weight_ih, model.decoder.weight_hh
        self.b_ih, self.b_hh = model.decoder.bias_ih, model.decoder.bias_hh
        self.wa_w, self.wa_b = model.Wa.weight, model.Wa.bias
        self.ua_w, self.ua_b = model.Ua.weight, model.Ua.bias
        self.va_w, self.va_b = model.Va.weight.detach()[0], model.Va.bias
        self.out_w, self.out_b = model.out.weight, model.out.bias

    def encode(self, source: Tensor):
        keys, state = self.encoder(self.source_embedding[source].unsqueeze(0))
        keys = keys[0]
        projected_keys = torch.addmm(self.ua_b, keys, self.ua_w.t()) if self.attention else keys
        return keys, projected_keys, state[0, 0]

    def step(self, token: int, h: Tensor, keys: Tensor, projected_keys: Tensor):
        x = self.target_embedding[token]
        if self.attention:
            e = torch.tanh(projected_keys + torch.addmv(self.wa_b, self.wa_w, h))
            weights = torch.softmax(torch.mv(e, self.va_w) + self.va_b, dim=0)
            x = torch.cat([x, torch.mv(keys.t(), weights)])
        gi = torch.addmv(self.b_ih, self.w_ih, x)
        gh = torch.addmv(self.b_hh, self.w_hh, h)
        h = gru_update(gi, gh, h)
        return torch.addmv(self.out_b, self.out_w, h), h

    @torch.jit.export
    def greedy(self, source: Tensor) -> Tensor:
        keys, projected_keys, h = self.encode(source)
        output = torch.empty(self.target_length, dtype=torch.long)
        token = self.sos
        for i in range(self.target_length):
            logits, h = self.step(token, h, keys, projected_keys)
            token = int(torch.argmax(logits))
            output[i] = token
        return output

    @torch.jit.export
    def beam(self, source: Tensor, width: int) -> Tensor:
        """Beam search over exactly target_length steps (no hypothesis ends early), the beams as a batch of width."""
        keys, projected_keys, h0 = self.encode(source)
        h = h0.unsqueeze(0).repeat(width, 1)
        scores = torch.full([width], -1e30)
        scores[0] = 0.0
        tokens = torch.full([width], self.sos, dtype=torch.long)
        history = torch.empty(self.target_length, width, dtype=torch.long)
        vocab = self.out_w.size(0)
        for i in range(self.target_length):
            x = self.target_embedding[tokens]
            if self.attention:
                e = torch.tanh(projected_keys.unsqueeze(0) + torch.addmm(self.wa_b, h, self.wa_w.t()).unsqueeze(1))
                weights = torch.softmax(torch.matmul(e, self.va_w) + self.va_b, dim=1)
                x = torch.cat([x, torch.mm(weights, keys)], dim=1)
            gi = torch.addmm(self.b_ih, x, self.w_ih.t())
            gh = torch.addmm(self.b_hh, h, self.w_hh.t())
            h = gru_update(gi, gh, h)
            log_probabilities = torch.log_softmax(torch.addmm(self.out_b, h, self.out_w.t()), dim=1)
            candidates = (scores.unsqueeze(1) + log_probabilities).reshape(-1)
            scores, best = torch.topk(candidates, width)
            origin = torch.div(best, vocab, rounding_mode="floor")
            tokens = best - origin * vocab
            h = h[origin]
            history = history[:, origin]
            history[i] = tokens
        return history[:, 0]


class OnnxEncoder(nn.Module):
    """The source's encoder states, their Bahdanau keys and the last state as a batch of one, for ONNX export."""

    def __init__(self, decoder: BatchOneDecoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, source: Tensor):
        keys, projected_keys, state = self.decoder.encode(source)
        return keys, projected_keys, state.unsqueeze(0)


class OnnxStep(nn.Module):
    """One decoder step as BatchOneDecoder.step computes it, on a batch of one: ONNX has no addmv, and a row vector
    times a constant matrix (nn.Linear's Gemm) is the form ONNX Runtime prepacks and runs fastest."""

    def __init__(self, decoder: BatchOneDecoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, token: Tensor, h: Tensor, keys: Tensor, projected_keys: Tensor):
        d = self.decoder
        linear = nn.functional.linear
        x = d.target_embedding[token].unsqueeze(0)
        if d.attention:
            e = torch.tanh(projected_keys + linear(h, d.wa_w, d.wa_b))
            weights = torch.softmax(linear(e, d.va_w.unsqueeze(0), d.va_b), dim=0)
            x = torch.cat([x, torch.mm(weights.t(), keys)], dim=1)
        h = gru_update(linear(x, d.w_ih, d.b_ih), linear(h, d.w_hh, d.b_hh), h)
        return linear(h, d.out_w, d.out_b), h


def export_onnx(decoder: BatchOneDecoder, source: Tensor, directory: str):
    os.makedirs(directory, exist_ok=True)
    with torch.no_grad():
        keys, projected_keys, h = decoder.encode(source)
        torch.onnx.export(OnnxEncoder(decoder), (source,), os.path.join(directory, "encoder.onnx"), opset_version=13,
                          input_names=["source"], output_names=["keys", "projected_keys", "state"])
        torch.onnx.export(OnnxStep(decoder), (torch.tensor(SOS), h.unsqueeze(0), keys, projected_keys),
                          os.path.join(directory, "step.onnx"), opset_version=13,
                          input_names=["token", "state", "keys", "projected_keys"], output_names=["logits", "next_state"])


def measure(operation, iterations: int, iteration_seconds: float):
    """Median and 95th percentile of seconds per operation over iterations, each the mean of n operations."""
    start = time.perf_counter()
    while time.perf_counter() - start < iteration_seconds * 2:
        operation()
    start = time.perf_counter()
    operation()
    once = time.perf_counter() - start
    n = max(1, int(iteration_seconds / max(once, 1e-9)))
    per_operation = []
    for _ in range(iterations):
        start = time.perf_counter()
        for _ in range(n):
            operation()
        per_operation.append((time.perf_counter() - start) / n)
    per_operation.sort()
    median = per_operation[len(per_operation) // 2] if len(per_operation) % 2 else \
        0.5 * (per_operation[len(per_operation) // 2 - 1] + per_operation[len(per_operation) // 2])
    p95 = per_operation[min(len(per_operation) - 1, int(round(0.95 * (len(per_operation) - 1))))]
    return {"median_s": median, "p95_s": p95, "iterations": iterations, "operations_per_iteration": n}


def main():
    config = CONFIGS[arguments.config]
    torch.manual_seed(7)
    model = Seq2Seq(config["vocab"], config["embedding"], config["hidden"], config["attention"])
    generator = torch.Generator().manual_seed(11)
    source = torch.randint(SPECIAL, config["vocab"], (config["source_length"],), generator=generator)
    decoder = torch.jit.script(BatchOneDecoder(model, config["target_length"]).eval())
    if arguments.onnx_dir:
        export_onnx(BatchOneDecoder(model, config["target_length"]).eval(), source, arguments.onnx_dir)

    results = {"config": arguments.config, "torch": torch.__version__, "openblas_core": OPENBLAS_CORE,
               "threads": torch.get_num_threads()}
    with torch.inference_mode():
        results["greedy"] = measure(lambda: decoder.greedy(source), arguments.iterations, arguments.iteration_seconds)
        results["beam4"] = measure(lambda: decoder.beam(source, 4), arguments.iterations, arguments.iteration_seconds)

    batch = 32
    sources = torch.randint(SPECIAL, config["vocab"], (batch, config["source_length"]), generator=generator)
    targets = torch.randint(SPECIAL, config["vocab"], (batch, config["target_length"]), generator=generator)
    decoder_input = torch.cat([torch.full((batch, 1), SOS), targets], dim=1)
    labels = torch.cat([targets, torch.full((batch, 1), EOS)], dim=1)
    trained = torch.jit.script(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        trained(sources, decoder_input, labels).backward()
        optimizer.step()

    results["train_step32"] = measure(train_step, arguments.iterations, arguments.iteration_seconds)
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main()
