using StaticSeq2Seq.Metrics;
using Xunit;

namespace StaticSeq2Seq.Tests.Metrics;

public sealed class BleuTests
{
    private const int Digits = 10;

    [Fact]
    public void Identical_corpora_score_100()
    {
        var score = Bleu.Corpus(["the cat sat on the mat", "i am here"], ["the cat sat on the mat", "i am here"]);

        Assert.Equal(100, score.Score, Digits);
        Assert.Equal([100.0, 100.0, 100.0, 100.0], score.Precisions);
        Assert.Equal([9L, 7L, 5L, 3L], score.Matches);
        Assert.Equal([9L, 7L, 5L, 3L], score.Totals);
        Assert.Equal(1.0, score.BrevityPenalty);
        Assert.Equal(9, score.SystemLength);
        Assert.Equal(9, score.ReferenceLength);
    }

    [Fact]
    public void Clips_matches_to_the_reference_counts_and_smooths_missing_orders_exponentially()
    {
        // Papineni et al.'s example. Unigrams: "the" occurs 7 times but only twice in the reference, so 2/7.
        // No bigram, trigram or 4-gram matches: with sacreBLEU's default 'exp' smoothing the k-th empty order
        // gets 1 / (2^k * total), so 1/(2*6), 1/(4*5), 1/(8*4). c = 7 > r = 6, so BP = 1.
        var score = Bleu.Corpus(["the the the the the the the"], ["the cat is on the mat"]);

        Assert.Equal([2L, 0L, 0L, 0L], score.Matches);
        Assert.Equal([7L, 6L, 5L, 4L], score.Totals);
        Assert.Equal(100.0 * 2 / 7, score.Precisions[0], Digits);
        Assert.Equal(100.0 / 12, score.Precisions[1], Digits);
        Assert.Equal(100.0 / 20, score.Precisions[2], Digits);
        Assert.Equal(100.0 / 32, score.Precisions[3], Digits);
        Assert.Equal(1.0, score.BrevityPenalty);
        Assert.Equal(Math.Pow(100.0 * 2 / 7 * (100.0 / 12) * (100.0 / 20) * (100.0 / 32), 0.25), score.Score, Digits);
    }

    [Fact]
    public void Applies_the_brevity_penalty_when_the_hypotheses_are_shorter()
    {
        // c = 4, r = 6: BP = exp(1 - 6/4). Precisions 4/4, 3/3, 2/2, 1/1.
        var score = Bleu.Corpus(["a b c d"], ["a b c d e f"]);

        Assert.Equal(Math.Exp(1 - (6.0 / 4)), score.BrevityPenalty, Digits);
        Assert.Equal(100 * Math.Exp(1 - (6.0 / 4)), score.Score, Digits);
        Assert.Equal(4.0 / 6, score.Ratio, Digits);
    }

    [Fact]
    public void Longer_hypotheses_are_not_penalised_for_length()
    {
        // c = 8 > r = 4: BP = 1, and the precisions 4/8, 3/7, 2/6, 1/5 carry the cost.
        var score = Bleu.Corpus(["a b c d e f g h"], ["a b c d"]);

        Assert.Equal(1.0, score.BrevityPenalty);
        Assert.Equal(100 * Math.Pow(4.0 / 8 * (3.0 / 7) * (2.0 / 6) * (1.0 / 5), 0.25), score.Score, Digits);
    }

    [Fact]
    public void Sums_statistics_over_the_corpus_before_dividing()
    {
        // Sentence 1 alone has no 4-gram at all; the corpus has one (from sentence 2) and it matches.
        var score = Bleu.Corpus(["a b c", "d e f g"], ["a b x", "d e f g"]);

        Assert.Equal([6L, 4L, 2L, 1L], score.Matches);
        Assert.Equal([7L, 5L, 3L, 1L], score.Totals);
        Assert.Equal(100 * Math.Pow(6.0 / 7 * (4.0 / 5) * (2.0 / 3) * 1.0, 0.25), score.Score, Digits);
    }

    [Fact]
    public void Nothing_matching_scores_0_with_zero_precisions()
    {
        var score = Bleu.Corpus(["x y z w"], ["a b c d"]);

        Assert.Equal(0.0, score.Score);
        Assert.Equal([0.0, 0.0, 0.0, 0.0], score.Precisions);
        Assert.Equal([4L, 3L, 2L, 1L], score.Totals);
        Assert.Equal(1.0, score.BrevityPenalty);
    }

    [Fact]
    public void Empty_hypotheses_score_0_with_a_brevity_penalty_of_0()
    {
        var score = Bleu.Corpus(["", ""], ["a b", "c"]);

        Assert.Equal(0.0, score.Score);
        Assert.Equal(0.0, score.BrevityPenalty);
        Assert.Equal(0, score.SystemLength);
        Assert.Equal(3, score.ReferenceLength);
        Assert.Equal(0.0, score.Ratio);
    }

    [Fact]
    public void A_corpus_too_short_for_4_grams_scores_0_whatever_the_smoothing()
    {
        // No hypothesis has 3 tokens, so orders 3 and 4 have no n-grams at all: sacreBLEU stops there and leaves
        // their precisions at 0, which makes the score 0 even for exact matches.
        foreach (var smoothing in new[] { BleuSmoothing.Exponential, BleuSmoothing.None, BleuSmoothing.Floor })
        {
            var score = Bleu.Corpus(["a b", "c d"], ["a b", "c d"], smoothing);

            Assert.Equal(0.0, score.Score);
            Assert.Equal([100.0, 100.0, 0.0, 0.0], score.Precisions);
        }
    }

    [Fact]
    public void Is_case_sensitive_and_splits_on_any_whitespace_as_python_does()
    {
        Assert.Equal(0.0, Bleu.Corpus(["The Cat"], ["the cat"]).Score);

        // U+00A0 and U+001F are whitespace to Python's str.split().
        var score = Bleu.Corpus(["  a\tb  c\u00a0d ", "e\u001ff"], ["a b c d", "e f"]);
        Assert.Equal(6, score.SystemLength);
        Assert.Equal(100, score.Score, Digits);
    }

    [Fact]
    public void Scores_token_ids_as_it_scores_words()
    {
        int[][] hypotheses = [[5, 6, 7, 8], [9, 10]];
        int[][] references = [[5, 6, 7, 8, 11], [9, 10]];
        string[] hypothesisText = ["5 6 7 8", "9 10"];
        string[] referenceText = ["5 6 7 8 11", "9 10"];

        Assert.Equal(Bleu.Corpus(hypothesisText, referenceText), Bleu.Corpus(hypotheses, references));
    }

    [Fact]
    public void Computes_from_statistics_as_from_text()
    {
        var fromText = Bleu.Corpus(["the the the the the the the"], ["the cat is on the mat"]);

        var fromStatistics = Bleu.FromStatistics([2, 0, 0, 0], [7, 6, 5, 4], 7, 6);

        Assert.Equal(fromText, fromStatistics);
    }

    [Fact]
    public void Formats_like_sacrebleu()
    {
        var score = Bleu.Corpus(["a b c d"], ["a b c d e f"]);

        Assert.Equal("BLEU = 60.65 100.0/100.0/100.0/100.0 (BP = 0.607 ratio = 0.667 hyp_len = 4 ref_len = 6)", score.ToString());
    }

    [Fact]
    public void Rejects_bad_input_with_a_reason()
    {
        Assert.Throws<ArgumentNullException>(() => Bleu.Corpus(null!, ["a"]));
        Assert.Throws<ArgumentNullException>(() => Bleu.Corpus(["a"], [null!]));
        Assert.Throws<ArgumentNullException>(() => Bleu.Corpus(new[] { new[] { "a", null! } }, new[] { new[] { "a" } }));
        Assert.Contains("2 hypotheses but 1 references", Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a", "b"], ["a"])).Message, StringComparison.Ordinal);
        Assert.Contains("no sentences", Assert.Throws<ArgumentException>(() => Bleu.Corpus([], [])).Message, StringComparison.Ordinal);
        Assert.Contains("Reference 1 has no tokens", Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a", "b"], ["a", " "])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Bleu.Corpus(["a"], ["a"], BleuSmoothing.Exponential, smoothValue: 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bleu.Corpus(["a"], ["a"], BleuSmoothing.Floor, smoothValue: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bleu.Corpus(["a"], ["a"], (BleuSmoothing)42));
        Assert.Throws<ArgumentException>(() => Bleu.FromStatistics([1, 0, 0], [1, 0, 0, 0], 1, 1));
        Assert.Throws<ArgumentException>(() => Bleu.FromStatistics([2, 0, 0, 0], [1, 0, 0, 0], 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bleu.FromStatistics([0, 0, 0, 0], [0, 0, 0, 0], -1, 1));
    }
}
