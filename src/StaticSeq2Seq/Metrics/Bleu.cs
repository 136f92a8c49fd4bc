using System;
using System.Collections.Generic;

namespace StaticSeq2Seq.Metrics;

/// <summary>
/// Corpus BLEU (Papineni et al., 2002) computed as sacreBLEU 2.x computes it on text that is already tokenised
/// (<c>tokenize='none'</c>), with one reference per hypothesis and sacreBLEU's defaults otherwise: n-grams up to
/// 4, case-sensitive, <see cref="BleuSmoothing.Exponential"/> smoothing, no effective order.
/// </summary>
/// <remarks>
/// <para>
/// For every order n from 1 to 4, the clipped matches (each hypothesis n-gram counted at most as often as it
/// occurs in its reference) and the hypothesis n-gram totals are summed over the whole corpus before dividing,
/// so BLEU is not an average of sentence scores. The score is
/// <c>BP * exp((log p1 + log p2 + log p3 + log p4) / 4)</c> with the precisions in percent and the brevity
/// penalty <c>BP = exp(1 - r / c)</c> when the hypotheses hold fewer tokens in total (c) than the references (r),
/// 0 when c is 0, and 1 otherwise.
/// </para>
/// <para>Edge cases, as in sacreBLEU's <c>BLEU.compute_bleu</c>:</para>
/// <list type="bullet">
/// <item>No n-gram of any order matches (for example every hypothesis is empty): the score and all four
/// precisions are 0.</item>
/// <item>An order has hypothesis n-grams but no matches: the smoothing decides its precision; with
/// <see cref="BleuSmoothing.None"/> that precision is 0 and so is the score.</item>
/// <item>Every hypothesis is shorter than n tokens, so order n has no n-grams at all: that precision and those
/// above it stay 0, which makes the score 0 whatever the smoothing.</item>
/// </list>
/// <para>
/// Where sacreBLEU would fail or silently misbehave this class throws instead: a corpus with no sentences, a
/// different number of hypotheses and references (sacreBLEU truncates to the shorter), and a reference with no
/// tokens (sacreBLEU rejects an empty reference string but scores a whitespace-only one against zero tokens).
/// </para>
/// </remarks>
public static class Bleu
{
    /// <summary>The highest n-gram order counted, sacreBLEU's default <c>max_ngram_order</c>.</summary>
    public const int MaxOrder = 4;

    private const double DefaultFloor = 0.1;
    private const double DefaultAddK = 1.0;

    /// <summary>
    /// Corpus BLEU of <paramref name="hypotheses"/> against <paramref name="references"/>, each a sentence of
    /// tokens separated by whitespace (split as Python's <c>str.split()</c> splits, which is what sacreBLEU's
    /// <c>tokenize='none'</c> does).
    /// </summary>
    /// <param name="hypotheses">The system's outputs, one per sentence.</param>
    /// <param name="references">One reference per hypothesis, in the same order.</param>
    /// <param name="smoothing">How an order with no matches is treated; sacreBLEU's default unless given.</param>
    /// <param name="smoothValue">The value for <see cref="BleuSmoothing.Floor"/> (default 0.1) or <see cref="BleuSmoothing.AddK"/> (default 1).</param>
    /// <exception cref="ArgumentNullException">A list or one of its sentences is null.</exception>
    /// <exception cref="ArgumentException">The lists are empty or differ in length, a reference has no tokens, or <paramref name="smoothValue"/> is given for a method that takes none.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="smoothValue"/> is negative or not finite.</exception>
    public static BleuScore Corpus(
        IReadOnlyList<string> hypotheses,
        IReadOnlyList<string> references,
        BleuSmoothing smoothing = BleuSmoothing.Exponential,
        double? smoothValue = null)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        return Corpus(
            SplitAll(hypotheses, nameof(hypotheses), "Hypothesis"),
            SplitAll(references, nameof(references), "Reference"),
            smoothing,
            smoothValue);
    }

    /// <summary>
    /// Corpus BLEU of tokenised <paramref name="hypotheses"/> against tokenised <paramref name="references"/>:
    /// words, or token ids (for example <c>int[]</c> sequences with SOS, EOS and PAD removed). Tokens compare
    /// with <see cref="EqualityComparer{T}.Default"/>, so strings compare ordinally.
    /// </summary>
    /// <typeparam name="TToken">The token type.</typeparam>
    /// <param name="hypotheses">The system's outputs, one token sequence per sentence.</param>
    /// <param name="references">One reference per hypothesis, in the same order.</param>
    /// <param name="smoothing">How an order with no matches is treated; sacreBLEU's default unless given.</param>
    /// <param name="smoothValue">The value for <see cref="BleuSmoothing.Floor"/> (default 0.1) or <see cref="BleuSmoothing.AddK"/> (default 1).</param>
    /// <exception cref="ArgumentNullException">A list, one of its sequences or a token is null.</exception>
    /// <exception cref="ArgumentException">The lists are empty or differ in length, a reference has no tokens, or <paramref name="smoothValue"/> is given for a method that takes none.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="smoothValue"/> is negative or not finite.</exception>
    public static BleuScore Corpus<TToken>(
        IReadOnlyList<IReadOnlyList<TToken>> hypotheses,
        IReadOnlyList<IReadOnlyList<TToken>> references,
        BleuSmoothing smoothing = BleuSmoothing.Exponential,
        double? smoothValue = null)
        where TToken : notnull
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        CheckSmoothing(smoothing, smoothValue);
        if (hypotheses.Count != references.Count)
        {
            throw new ArgumentException(
                $"There are {hypotheses.Count} hypotheses but {references.Count} references; give exactly one reference per hypothesis, in the same order.",
                nameof(references));
        }
        if (hypotheses.Count == 0)
        {
            throw new ArgumentException("There are no sentences to score; give at least one hypothesis and its reference.", nameof(hypotheses));
        }

        var matches = new long[MaxOrder];
        var totals = new long[MaxOrder];
        long systemLength = 0;
        long referenceLength = 0;

        var tokenIds = new Dictionary<TToken, int>();
        var hypothesisIds = new List<int>();
        var referenceIds = new List<int>();
        var hypothesisCounts = new Dictionary<Ngram, int>();
        var referenceCounts = new Dictionary<Ngram, int>();

        for (var i = 0; i < hypotheses.Count; i++)
        {
            var hypothesis = hypotheses[i] ?? throw new ArgumentNullException(nameof(hypotheses), $"Hypothesis {i} is null; give an empty sequence for an empty output.");
            var reference = references[i] ?? throw new ArgumentNullException(nameof(references), $"Reference {i} is null; every hypothesis needs a reference.");
            if (reference.Count == 0)
            {
                throw new ArgumentException($"Reference {i} has no tokens. BLEU needs a non-empty reference for every hypothesis (sacreBLEU refuses empty references too); drop the pair.", nameof(references));
            }

            Intern(hypothesis, tokenIds, hypothesisIds, nameof(hypotheses), i);
            Intern(reference, tokenIds, referenceIds, nameof(references), i);
            systemLength += hypothesisIds.Count;
            referenceLength += referenceIds.Count;

            CountNgrams(hypothesisIds, hypothesisCounts);
            CountNgrams(referenceIds, referenceCounts);
            foreach (var (ngram, count) in hypothesisCounts)
            {
                totals[ngram.Order - 1] += count;
                if (referenceCounts.TryGetValue(ngram, out var referenceCount))
                {
                    matches[ngram.Order - 1] += Math.Min(count, referenceCount);
                }
            }
        }

        return Compute(matches, totals, systemLength, referenceLength, smoothing, smoothValue);
    }

    /// <summary>
    /// BLEU from its sufficient statistics, sacreBLEU's <c>BLEU.compute_bleu</c>: useful to add up statistics
    /// gathered in parts, or to check a score by hand.
    /// </summary>
    /// <param name="matches">Clipped matches for orders 1 to 4, summed over the corpus.</param>
    /// <param name="totals">Hypothesis n-grams for orders 1 to 4, summed over the corpus.</param>
    /// <param name="systemLength">Hypothesis tokens in total, c.</param>
    /// <param name="referenceLength">Reference tokens in total, r.</param>
    /// <param name="smoothing">How an order with no matches is treated; sacreBLEU's default unless given.</param>
    /// <param name="smoothValue">The value for <see cref="BleuSmoothing.Floor"/> (default 0.1) or <see cref="BleuSmoothing.AddK"/> (default 1).</param>
    /// <exception cref="ArgumentException">
    /// A span does not hold exactly <see cref="MaxOrder"/> counts, a count or length is negative, an order has more
    /// matches than n-grams, or <paramref name="smoothValue"/> is given for a method that takes none.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="smoothValue"/> is negative or not finite.</exception>
    public static BleuScore FromStatistics(
        ReadOnlySpan<long> matches,
        ReadOnlySpan<long> totals,
        long systemLength,
        long referenceLength,
        BleuSmoothing smoothing = BleuSmoothing.Exponential,
        double? smoothValue = null)
    {
        CheckSmoothing(smoothing, smoothValue);
        if (matches.Length != MaxOrder || totals.Length != MaxOrder)
        {
            throw new ArgumentException(
                $"Give {MaxOrder} match counts and {MaxOrder} totals, one per n-gram order from 1 to {MaxOrder}; got {matches.Length} and {totals.Length}.",
                matches.Length != MaxOrder ? nameof(matches) : nameof(totals));
        }
        for (var n = 0; n < MaxOrder; n++)
        {
            if (totals[n] < 0 || matches[n] < 0 || matches[n] > totals[n])
            {
                throw new ArgumentException(
                    $"Order {n + 1} has {matches[n]} matches out of {totals[n]} n-grams; counts must be non-negative and matches cannot exceed the total.",
                    nameof(matches));
            }
        }
        ArgumentOutOfRangeException.ThrowIfNegative(systemLength);
        ArgumentOutOfRangeException.ThrowIfNegative(referenceLength);
        return Compute(matches.ToArray(), totals.ToArray(), systemLength, referenceLength, smoothing, smoothValue);
    }

    // sacreBLEU's BLEU.compute_bleu, step for step and in the same floating-point order.
    private static BleuScore Compute(long[] matches, long[] totals, long systemLength, long referenceLength, BleuSmoothing smoothing, double? smoothValue)
    {
        double brevityPenalty;
        if (systemLength < referenceLength)
        {
            brevityPenalty = systemLength > 0 ? Math.Exp(1 - (double)referenceLength / systemLength) : 0.0;
        }
        else
        {
            brevityPenalty = 1.0;
        }

        var precisions = new double[MaxOrder];
        if (Array.TrueForAll(matches, static m => m == 0))
        {
            return new BleuScore(0.0, precisions, matches, totals, brevityPenalty, systemLength, referenceLength);
        }

        var value = smoothValue ?? (smoothing == BleuSmoothing.Floor ? DefaultFloor : DefaultAddK);
        var smoothMteval = 1.0;
        for (var n = 1; n <= MaxOrder; n++)
        {
            double correct = matches[n - 1];
            double total = totals[n - 1];
            if (smoothing == BleuSmoothing.AddK && n > 1)
            {
                correct += value;
                total += value;
            }
            if (total == 0)
            {
                break;
            }
            if (correct == 0)
            {
                if (smoothing == BleuSmoothing.Exponential)
                {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * total);
                }
                else if (smoothing == BleuSmoothing.Floor)
                {
                    precisions[n - 1] = 100.0 * value / total;
                }
            }
            else
            {
                precisions[n - 1] = 100.0 * correct / total;
            }
        }

        var logSum = 0.0;
        foreach (var precision in precisions)
        {
            logSum += FlooredLog(precision);
        }
        var score = brevityPenalty * Math.Exp(logSum / MaxOrder);
        return new BleuScore(score, precisions, matches, totals, brevityPenalty, systemLength, referenceLength);
    }

    // sacreBLEU's utils.my_log: log, with log(0) floored to a very negative number so exp() of the mean gives 0.
    private static double FlooredLog(double value) => value == 0.0 ? -9999999999.0 : Math.Log(value);

    private static void CheckSmoothing(BleuSmoothing smoothing, double? smoothValue)
    {
        if (!Enum.IsDefined(smoothing))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "Choose one of the BleuSmoothing values.");
        }
        if (smoothValue is not { } value)
        {
            return;
        }
        if (smoothing is not (BleuSmoothing.Floor or BleuSmoothing.AddK))
        {
            throw new ArgumentException(
                $"A smoothing value applies only to BleuSmoothing.Floor and BleuSmoothing.AddK, not to {smoothing}; leave it out.",
                nameof(smoothValue));
        }
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(smoothValue), value, "The smoothing value must be a finite number of at least 0.");
        }
    }

    private static void Intern<TToken>(IReadOnlyList<TToken> tokens, Dictionary<TToken, int> tokenIds, List<int> ids, string parameterName, int sentence)
        where TToken : notnull
    {
        ids.Clear();
        for (var t = 0; t < tokens.Count; t++)
        {
            var token = tokens[t];
            if (token is null)
            {
                throw new ArgumentNullException(parameterName, $"Token {t} of sentence {sentence} is null.");
            }
            if (!tokenIds.TryGetValue(token, out var id))
            {
                id = tokenIds.Count;
                tokenIds.Add(token, id);
            }
            ids.Add(id);
        }
    }

    private static void CountNgrams(List<int> ids, Dictionary<Ngram, int> counts)
    {
        counts.Clear();
        for (var order = 1; order <= MaxOrder; order++)
        {
            for (var start = 0; start + order <= ids.Count; start++)
            {
                var ngram = new Ngram(
                    order,
                    ids[start],
                    order > 1 ? ids[start + 1] : -1,
                    order > 2 ? ids[start + 2] : -1,
                    order > 3 ? ids[start + 3] : -1);
                counts[ngram] = counts.GetValueOrDefault(ngram) + 1;
            }
        }
    }

    private static IReadOnlyList<string>[] SplitAll(IReadOnlyList<string> sentences, string parameterName, string what)
    {
        var split = new IReadOnlyList<string>[sentences.Count];
        for (var i = 0; i < split.Length; i++)
        {
            var sentence = sentences[i] ?? throw new ArgumentNullException(parameterName, $"{what} {i} is null; give an empty string for an empty sentence.");
            split[i] = SplitLikePython(sentence);
        }
        return split;
    }

    // Python's str.split() with no argument: runs of whitespace separate tokens, none are empty. Python's
    // whitespace is .NET's plus the information separators U+001C..U+001F.
    private static List<string> SplitLikePython(string sentence)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= sentence.Length; i++)
        {
            var separator = i == sentence.Length || char.IsWhiteSpace(sentence[i]) || sentence[i] is >= '\u001C' and <= '\u001F';
            if (separator)
            {
                if (start >= 0)
                {
                    tokens.Add(sentence[start..i]);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }
        return tokens;
    }

    private readonly record struct Ngram(int Order, int First, int Second, int Third, int Fourth);
}
