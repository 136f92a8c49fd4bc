# Continues a StaticSeq2Seq training run in PyTorch for one step, through tools/pytorch/staticseq2seq_torch.py.
# CheckpointPyTorchTests runs it; by hand:
#
#   python3 checkpoint_pytorch.py in.safetensors out.safetensors '{"pairs": [[[4, 5], [6]]], "batch": [0]}'
#
# It loads the checkpoint's model (strict: every tensor by name and shape), prints each pair's teacher-forced loss and
# greedy decode, restores the saved optimizer state into a torch.optim optimizer, takes one step on the pairs named
# by "batch" (mean loss, clip_grad_norm_, step), and writes the new weights and optimizer state with the trainer's
# counters advanced by one step and the application's metadata kept.
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tools", "pytorch"))
from staticseq2seq_torch import load_checkpoint, pad_batch, restore_optimizer, save_checkpoint  # noqa: E402


def main(source_path, destination_path, job):
    model, checkpoint = load_checkpoint(source_path)
    pairs = job["pairs"]

    def losses(indices):
        source, source_lengths = pad_batch([pairs[i][0] for i in indices])
        target, target_lengths = pad_batch([pairs[i][1] for i in indices])
        return model.loss(source, source_lengths, target, target_lengths)

    everything = range(len(pairs))
    with torch.no_grad():
        result = {
            "tensors": sorted(checkpoint.weights),
            "source_vocabulary": checkpoint.source_vocabulary,
            "losses": losses(everything).tolist(),
            "greedy": model.decode_greedy(*pad_batch([pairs[i][0] for i in everything])),
        }

    optimizer = restore_optimizer(checkpoint, model)
    optimizer.zero_grad()
    loss = losses(job["batch"]).mean()
    loss.backward()
    trainer = dict(checkpoint.trainer)
    if trainer["clip_norm"] > 0:
        torch.nn.utils.clip_grad_norm_(list(model.parameters()), trainer["clip_norm"])
    optimizer.step()
    result["step_loss"] = loss.item()

    trainer["steps_completed"] += 1
    save_checkpoint(destination_path, model, checkpoint.source_vocabulary, checkpoint.target_vocabulary,
                    optimizer=optimizer, trainer=trainer, optimizer_step=checkpoint.optimizer["step"] + 1,
                    metadata=checkpoint.application_metadata)
    result["torch"] = torch.__version__
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
