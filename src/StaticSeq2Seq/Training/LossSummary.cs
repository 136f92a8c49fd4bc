using System;

namespace StaticSeq2Seq.Training;

/// <summary>The loss of a model over a set of pairs, with teacher forcing.</summary>
/// <param name="MeanPerPair">Summed loss divided by the number of pairs: the quantity training minimises.</param>
/// <param name="MeanPerToken">Summed loss divided by the number of target tokens, each pair's appended EOS included.</param>
/// <param name="PairCount">Pairs evaluated.</param>
/// <param name="TokenCount">Target tokens evaluated, one EOS per pair included.</param>
public readonly record struct LossSummary(double MeanPerPair, double MeanPerToken, int PairCount, long TokenCount)
{
    /// <summary>Per-token perplexity, <c>exp(MeanPerToken)</c>.</summary>
    public double Perplexity => Math.Exp(MeanPerToken);
}
