using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace StaticSeq2Seq.Metrics;

/// <summary>
/// A corpus BLEU score and the statistics it was computed from, named and scaled as sacreBLEU's
/// <c>BLEUScore</c>: the score and the precisions are percentages (0 to 100).
/// </summary>
public sealed record BleuScore
{
    internal BleuScore(
        double score,
        double[] precisions,
        long[] matches,
        long[] totals,
        double brevityPenalty,
        long systemLength,
        long referenceLength)
    {
        Score = score;
        Precisions = Array.AsReadOnly(precisions);
        Matches = Array.AsReadOnly(matches);
        Totals = Array.AsReadOnly(totals);
        BrevityPenalty = brevityPenalty;
        SystemLength = systemLength;
        ReferenceLength = referenceLength;
    }

    /// <summary>BLEU on the 0 to 100 scale: <see cref="BrevityPenalty"/> times the geometric mean of the <see cref="Precisions"/>.</summary>
    public double Score { get; }

    /// <summary>
    /// The n-gram precisions in percent, unigrams first (sacreBLEU's <c>precisions</c>): matches over totals,
    /// smoothed as the <see cref="BleuSmoothing"/> says. All four are 0 when nothing matched at all, and an
    /// order the hypotheses are too short to have, and every order above it, is 0.
    /// </summary>
    public IReadOnlyList<double> Precisions { get; }

    /// <summary>
    /// The clipped n-gram matches summed over the corpus, unigrams first (sacreBLEU's <c>counts</c>): each
    /// hypothesis n-gram counts at most as often as it occurs in the reference. Always the raw counts, before
    /// any add-k smoothing.
    /// </summary>
    public IReadOnlyList<long> Matches { get; }

    /// <summary>The number of hypothesis n-grams summed over the corpus, unigrams first (sacreBLEU's <c>totals</c>), before any smoothing.</summary>
    public IReadOnlyList<long> Totals { get; }

    /// <summary><c>exp(1 - r / c)</c> when the hypotheses are shorter than the references in total (c &lt; r), 0 when they are empty, otherwise 1.</summary>
    public double BrevityPenalty { get; }

    /// <summary>The number of hypothesis tokens, c (sacreBLEU's <c>sys_len</c>).</summary>
    public long SystemLength { get; }

    /// <summary>The number of reference tokens, r (sacreBLEU's <c>ref_len</c>).</summary>
    public long ReferenceLength { get; }

    /// <summary><see cref="SystemLength"/> over <see cref="ReferenceLength"/>, or 0 when the references are empty.</summary>
    public double Ratio => ReferenceLength == 0 ? 0 : (double)SystemLength / ReferenceLength;

    /// <summary>Whether <paramref name="other"/> holds the same score and statistics, element by element.</summary>
    public bool Equals(BleuScore? other) =>
        other is not null
        && Score.Equals(other.Score)
        && BrevityPenalty.Equals(other.BrevityPenalty)
        && SystemLength == other.SystemLength
        && ReferenceLength == other.ReferenceLength
        && Precisions.SequenceEqual(other.Precisions)
        && Matches.SequenceEqual(other.Matches)
        && Totals.SequenceEqual(other.Totals);

    /// <summary>A hash of the score and the lengths, consistent with <see cref="Equals(BleuScore?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Score, BrevityPenalty, SystemLength, ReferenceLength);

    /// <summary>
    /// The score in sacreBLEU's verbose form, for example
    /// <c>BLEU = 41.11 75.0/50.0/33.3/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 8 ref_len = 8)</c>.
    /// </summary>
    public override string ToString()
    {
        var culture = CultureInfo.InvariantCulture;
        var precisions = string.Join('/', Array.ConvertAll([.. Precisions], p => p.ToString("F1", culture)));
        return string.Create(
            culture,
            $"BLEU = {Score:F2} {precisions} (BP = {BrevityPenalty:F3} ratio = {Ratio:F3} hyp_len = {SystemLength} ref_len = {ReferenceLength})");
    }
}
