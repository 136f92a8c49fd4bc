"""Trains a StaticSeq2Seq model in PyTorch on a tab-separated corpus and saves a checkpoint the C# side loads.

Start from a checkpoint (weights, shape and vocabularies, such as one Checkpoint.Save wrote) or from a shape (the
[Seq2SeqModel] attribute's arguments as JSON; the vocabularies are then built from the corpus as
Vocabulary.Build builds them):

    python3 tools/pytorch/train.py --corpus pairs.tsv --out model.safetensors \\
        --shape '{"SourceVocabularySize": 2400, "TargetVocabularySize": 3800, "EmbeddingSize": 128, "HiddenSize": 256,
                  "Layers": 1, "Cell": "Gru", "Attention": "Bahdanau", "MaxSourceLength": 10, "MaxTargetLength": 12}'
    python3 tools/pytorch/train.py --corpus pairs.tsv --from model.safetensors --out more.safetensors --epochs 3

Each line of the corpus is "source<TAB>target", words separated by spaces (already normalised); pairs longer than the
model's maximum lengths are left out. Training: Adam, shuffled mini-batches, the mean over the batch of each pair's
summed loss (as Seq2SeqTrainer), global-norm clipping; on --device cuda if given. The saved checkpoint keeps the
starting checkpoint's application metadata.
"""
import argparse
import collections
import json
import os
import random
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from staticseq2seq_torch import (SPECIAL_TOKENS, UNK, Seq2Seq, check_shape, load_checkpoint,  # noqa: E402
                                 pad_batch, save_checkpoint)


def read_corpus(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            columns = line.split("\t")
            if len(columns) < 2:
                raise SystemExit(f"{path}:{number}: expected 'source<TAB>target', got {line!r}.")
            pairs.append((columns[0].split(), columns[1].split()))
    return pairs


def build_vocabulary(sentences, size):
    """As Vocabulary.Build: the special tokens, then words by falling count, equal counts in ordinal order."""
    counts = collections.Counter(word for sentence in sentences for word in sentence if word not in SPECIAL_TOKENS)
    words = sorted(counts, key=lambda w: (-counts[w], w.encode("utf-16-be")))
    return SPECIAL_TOKENS + words[:size - len(SPECIAL_TOKENS)]


def encode(words, vocabulary):
    ids = {token: i for i, token in enumerate(vocabulary)}
    return [ids.get(word, UNK) for word in words]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    start = parser.add_mutually_exclusive_group(required=True)
    start.add_argument("--from", dest="start", help="checkpoint to start from (weights, shape, vocabularies)")
    start.add_argument("--shape", help="model shape as JSON, the attribute's arguments by name")
    parser.add_argument("--corpus", required=True, help="tab-separated source/target pairs")
    parser.add_argument("--out", required=True, help="checkpoint to write")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--clip-norm", type=float, default=1.0, help="0 for none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    corpus = read_corpus(args.corpus)
    if args.start:
        model, checkpoint = load_checkpoint(args.start)
        source_vocabulary, target_vocabulary = checkpoint.source_vocabulary, checkpoint.target_vocabulary
        application_metadata = checkpoint.application_metadata
        if source_vocabulary is None or target_vocabulary is None:
            raise SystemExit(f"{args.start} holds no vocabularies; save it with Checkpoint.Save(path, model, source, target).")
    else:
        model = Seq2Seq(check_shape(json.loads(args.shape)))
        application_metadata = {}
        source_vocabulary = build_vocabulary([s for s, _ in corpus], model.shape["SourceVocabularySize"])
        target_vocabulary = build_vocabulary([t for _, t in corpus], model.shape["TargetVocabularySize"])
    shape = model.shape
    pairs = [(encode(s, source_vocabulary), encode(t, target_vocabulary)) for s, t in corpus
             if 1 <= len(s) <= shape["MaxSourceLength"] and 1 <= len(t) <= shape["MaxTargetLength"]]
    print(f"{len(pairs)} of {len(corpus)} pairs fit the maximum lengths; vocabularies of "
          f"{len(source_vocabulary)} and {len(target_vocabulary)} tokens.")

    model.to(args.device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    order = random.Random(args.seed)
    for epoch in range(1, args.epochs + 1):
        began, total = time.time(), 0.0
        order.shuffle(pairs)
        for first in range(0, len(pairs), args.batch_size):
            batch = pairs[first:first + args.batch_size]
            source, source_lengths = pad_batch([s for s, _ in batch], args.device)
            target, target_lengths = pad_batch([t for _, t in batch], args.device)
            optimizer.zero_grad()
            loss = model.loss(source, source_lengths, target, target_lengths).mean()
            loss.backward()
            if args.clip_norm > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip_norm)
            optimizer.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch}: mean loss per pair {total / len(pairs):.4f} ({time.time() - began:.1f} s)")

    save_checkpoint(args.out, model.to("cpu"), source_vocabulary, target_vocabulary, metadata=application_metadata)
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
