using StaticSeq2Seq.Metrics;
using Xunit;

namespace StaticSeq2Seq.Tests.Metrics;

public sealed class SequenceMetricsTests
{
    [Fact]
    public void Token_accuracy_counts_matching_positions_over_the_longer_length()
    {
        // Pair 1: 2 of 3 right. Pair 2: 2 right, one token missing (max length 3). Pair 3: 1 right, one extra (max 2).
        int[][] hypotheses = [[1, 2, 9], [4, 5], [7, 8]];
        int[][] references = [[1, 2, 3], [4, 5, 6], [7]];

        Assert.Equal(5.0 / 8, SequenceMetrics.TokenAccuracy(hypotheses, references), 12);
    }

    [Fact]
    public void Token_accuracy_is_1_only_for_identical_sequences()
    {
        string[][] same = [["je", "suis"], ["ici"]];

        Assert.Equal(1.0, SequenceMetrics.TokenAccuracy(same, same));
        Assert.Equal(1.0, SequenceMetrics.TokenAccuracy(new[] { Array.Empty<int>() }, new[] { Array.Empty<int>() }));
        Assert.Equal(0.5, SequenceMetrics.TokenAccuracy(new[] { new[] { "je", "suis" } }, new[] { new[] { "je" } }));
    }

    [Fact]
    public void Exact_match_rate_needs_every_token_and_the_length()
    {
        int[][] hypotheses = [[1, 2], [3], [4, 5], []];
        int[][] references = [[1, 2], [3, 0], [4, 6], []];

        Assert.Equal(0.5, SequenceMetrics.ExactMatchRate(hypotheses, references));
    }

    [Fact]
    public void Rejects_bad_input_with_a_reason()
    {
        int[][] one = [[1]];
        Assert.Throws<ArgumentNullException>(() => SequenceMetrics.TokenAccuracy<int>(null!, one));
        Assert.Throws<ArgumentNullException>(() => SequenceMetrics.ExactMatchRate(one, new int[][] { null! }));
        Assert.Contains("1 hypotheses but 2 references", Assert.Throws<ArgumentException>(() => SequenceMetrics.TokenAccuracy(one, new int[][] { [1], [2] })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SequenceMetrics.ExactMatchRate(Array.Empty<int[]>(), Array.Empty<int[]>()));
    }
}
