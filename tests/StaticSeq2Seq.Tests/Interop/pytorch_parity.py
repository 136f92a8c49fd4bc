# The PyTorch half of PyTorchParityTests: one process handles every case. By hand:
#
#   OPENBLAS_NUM_THREADS=1 /usr/bin/python3 pytorch_parity.py job.json results.json
#
# job.json is a list of cases {"name", "checkpoint", "pairs": [[source, target], ...]}, where a case with "create":
# {"shape_of", "seed", "source_vocabulary"} first writes a checkpoint of a new model with tools/pytorch's
# save_checkpoint: of the shape the checkpoint at shape_of records, with torch's initialisation from the seed. Every case then loads its checkpoint with load_checkpoint and computes,
# for all its pairs as one padded batch, each pair's loss and teacher-forced logits (one row per step) and the greedy
# decode with each decoding step's logits. results.json gets them by case name, with the torch version.
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tools", "pytorch"))
from staticseq2seq_torch import Seq2Seq, load_checkpoint, pad_batch, read_checkpoint, save_checkpoint  # noqa: E402


def create(case):
    spec = case["create"]
    shape = read_checkpoint(spec["shape_of"]).shape
    torch.manual_seed(spec["seed"])
    save_checkpoint(case["checkpoint"], Seq2Seq(shape), source_vocabulary=spec.get("source_vocabulary"))


def run(case):
    model, checkpoint = load_checkpoint(case["checkpoint"])
    model.eval()
    sources = [s for s, _ in case["pairs"]]
    targets = [t for _, t in case["pairs"]]
    source, source_lengths = pad_batch(sources)
    target, target_lengths = pad_batch(targets)
    with torch.no_grad():
        logits = model(source, source_lengths, target, target_lengths)
        losses = model.loss(source, source_lengths, target, target_lengths)
    greedy, greedy_logits = model.decode_greedy(source, source_lengths, return_logits=True)
    return {
        "source_vocabulary": checkpoint.source_vocabulary,
        "losses": losses.tolist(),
        # Each pair's real steps only: its target's length plus one for EOS.
        "logits": [logits[b, :len(t) + 1].tolist() for b, t in enumerate(targets)],
        "greedy": greedy,
        "greedy_logits": [rows.tolist() for rows in greedy_logits],
    }


def main(job_path, results_path):
    torch.set_num_threads(1)
    with open(job_path) as f:
        cases = json.load(f)
    results = {"torch": torch.__version__, "cases": {}}
    for case in cases:
        if "create" in case:
            create(case)
        results["cases"][case["name"]] = run(case)
    with open(results_path, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
