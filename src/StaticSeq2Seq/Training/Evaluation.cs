using System;
using System.Collections.Generic;
using StaticSeq2Seq.Data;

namespace StaticSeq2Seq.Training;

/// <summary>Measures a model on a set of pairs without changing it.</summary>
public static class Evaluation
{
    /// <summary>The teacher-forced loss over <paramref name="pairs"/>, per pair and per target token.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pairs"/> is empty, or the model rejects a pair or the workspace.</exception>
    public static LossSummary ValidationLoss(ISeq2SeqModel model, Seq2SeqWorkspace workspace, IReadOnlyList<SequencePair> pairs)
    {
        CheckArguments(model, workspace, pairs);
        var totalLoss = 0.0;
        var tokens = 0L;
        for (var i = 0; i < pairs.Count; i++)
        {
            var pair = PairAt(pairs, i);
            totalLoss += model.Forward(workspace, pair.Source, pair.Target);
            // The model scores the appended EOS as well.
            tokens += pair.Target.Length + 1;
        }
        return new LossSummary(totalLoss / pairs.Count, totalLoss / tokens, pairs.Count, tokens);
    }

    /// <summary>The fraction of <paramref name="pairs"/> whose target greedy decoding reproduces exactly.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pairs"/> is empty, or the model rejects a source or the workspace.</exception>
    public static double ExactSequenceAccuracy(ISeq2SeqModel model, Seq2SeqWorkspace workspace, IReadOnlyList<SequencePair> pairs)
    {
        CheckArguments(model, workspace, pairs);
        var decoded = new int[model.Shape.MaxTargetLength];
        var correct = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            var pair = PairAt(pairs, i);
            var length = model.DecodeGreedy(workspace, pair.Source, decoded);
            if (decoded.AsSpan(0, length).SequenceEqual(pair.Target))
            {
                correct++;
            }
        }
        return (double)correct / pairs.Count;
    }

    private static SequencePair PairAt(IReadOnlyList<SequencePair> pairs, int index) =>
        pairs[index] ?? throw new ArgumentException($"Pair {index} is null; remove it.", nameof(pairs));

    private static void CheckArguments(ISeq2SeqModel model, Seq2SeqWorkspace workspace, IReadOnlyList<SequencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
        {
            throw new ArgumentException("There are no pairs to evaluate; give at least one.", nameof(pairs));
        }
    }
}
