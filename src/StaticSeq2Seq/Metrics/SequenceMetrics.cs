using System;
using System.Collections.Generic;

namespace StaticSeq2Seq.Metrics;

/// <summary>Position-by-position comparisons of output sequences with their references: token accuracy and exact-match rate.</summary>
public static class SequenceMetrics
{
    /// <summary>
    /// The fraction of token positions the hypotheses get right, over the whole corpus: the number of positions
    /// <c>i</c> where <c>hypothesis[i] == reference[i]</c>, divided by the sum over sentences of
    /// <c>max(hypothesis length, reference length)</c>. Missing tokens and extra tokens both count as wrong, so
    /// the accuracy is 1 only when every hypothesis equals its reference; when the lengths agree (as under
    /// teacher forcing) it is the usual matches over reference tokens. No alignment is attempted: a hypothesis
    /// that drops its first word gets the rest wrong.
    /// </summary>
    /// <typeparam name="TToken">The token type: words or token ids. Tokens compare with <see cref="EqualityComparer{T}.Default"/>.</typeparam>
    /// <param name="hypotheses">The system's outputs.</param>
    /// <param name="references">One reference per hypothesis, in the same order.</param>
    /// <returns>A value from 0 to 1; 1 when every sequence is empty.</returns>
    /// <exception cref="ArgumentNullException">A list or one of its sequences is null.</exception>
    /// <exception cref="ArgumentException">The lists are empty or differ in length.</exception>
    public static double TokenAccuracy<TToken>(IReadOnlyList<IReadOnlyList<TToken>> hypotheses, IReadOnlyList<IReadOnlyList<TToken>> references)
    {
        CheckLists(hypotheses, references);
        var comparer = EqualityComparer<TToken>.Default;
        long correct = 0;
        long positions = 0;
        for (var i = 0; i < hypotheses.Count; i++)
        {
            var (hypothesis, reference) = PairAt(hypotheses, references, i);
            var common = Math.Min(hypothesis.Count, reference.Count);
            for (var t = 0; t < common; t++)
            {
                if (comparer.Equals(hypothesis[t], reference[t]))
                {
                    correct++;
                }
            }
            positions += Math.Max(hypothesis.Count, reference.Count);
        }
        return positions == 0 ? 1.0 : (double)correct / positions;
    }

    /// <summary>The fraction of hypotheses equal to their reference, token for token and in length.</summary>
    /// <typeparam name="TToken">The token type: words or token ids. Tokens compare with <see cref="EqualityComparer{T}.Default"/>.</typeparam>
    /// <param name="hypotheses">The system's outputs.</param>
    /// <param name="references">One reference per hypothesis, in the same order.</param>
    /// <returns>A value from 0 to 1.</returns>
    /// <exception cref="ArgumentNullException">A list or one of its sequences is null.</exception>
    /// <exception cref="ArgumentException">The lists are empty or differ in length.</exception>
    public static double ExactMatchRate<TToken>(IReadOnlyList<IReadOnlyList<TToken>> hypotheses, IReadOnlyList<IReadOnlyList<TToken>> references)
    {
        CheckLists(hypotheses, references);
        var comparer = EqualityComparer<TToken>.Default;
        var exact = 0;
        for (var i = 0; i < hypotheses.Count; i++)
        {
            var (hypothesis, reference) = PairAt(hypotheses, references, i);
            if (hypothesis.Count != reference.Count)
            {
                continue;
            }
            var same = true;
            for (var t = 0; t < hypothesis.Count && same; t++)
            {
                same = comparer.Equals(hypothesis[t], reference[t]);
            }
            if (same)
            {
                exact++;
            }
        }
        return (double)exact / hypotheses.Count;
    }

    private static void CheckLists<TToken>(IReadOnlyList<IReadOnlyList<TToken>> hypotheses, IReadOnlyList<IReadOnlyList<TToken>> references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (hypotheses.Count != references.Count)
        {
            throw new ArgumentException(
                $"There are {hypotheses.Count} hypotheses but {references.Count} references; give exactly one reference per hypothesis, in the same order.",
                nameof(references));
        }
        if (hypotheses.Count == 0)
        {
            throw new ArgumentException("There are no sentences to compare; give at least one hypothesis and its reference.", nameof(hypotheses));
        }
    }

    private static (IReadOnlyList<TToken> Hypothesis, IReadOnlyList<TToken> Reference) PairAt<TToken>(
        IReadOnlyList<IReadOnlyList<TToken>> hypotheses,
        IReadOnlyList<IReadOnlyList<TToken>> references,
        int index) =>
        (hypotheses[index] ?? throw new ArgumentNullException(nameof(hypotheses), $"Hypothesis {index} is null; give an empty sequence for an empty output."),
         references[index] ?? throw new ArgumentNullException(nameof(references), $"Reference {index} is null; every hypothesis needs a reference."));
}
