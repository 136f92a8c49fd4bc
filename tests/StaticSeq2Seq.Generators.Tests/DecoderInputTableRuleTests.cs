using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// Which shapes decode from a per-token table of the decoder's first-layer input product: those whose table of
/// V × G floats fits 256 KiB and whose first layer reads the embedding alone (not Bahdanau's [embedding ; context]).
/// </summary>
public sealed class DecoderInputTableRuleTests
{
    [Theory]
    // A plain RNN has G = H: 256 × 256 floats are exactly 256 KiB, one token more is over.
    [InlineData("TargetVocabularySize = 256, HiddenSize = 256, Cell = RecurrentCell.Rnn", true)]
    [InlineData("TargetVocabularySize = 257, HiddenSize = 256, Cell = RecurrentCell.Rnn", false)]
    // A GRU has G = 3H, an LSTM 4H: 64 tokens of 3 × 64 floats are 48 KiB; 2000 tokens of 4 × 64 are 2000 KiB.
    [InlineData("TargetVocabularySize = 64, HiddenSize = 64, Cell = RecurrentCell.Gru", true)]
    [InlineData("TargetVocabularySize = 2000, HiddenSize = 64, Cell = RecurrentCell.Lstm", false)]
    [InlineData("TargetVocabularySize = 64, HiddenSize = 64, Cell = RecurrentCell.Gru, Attention = AttentionKind.LuongDot", true)]
    [InlineData("TargetVocabularySize = 64, HiddenSize = 64, Cell = RecurrentCell.Gru, Attention = AttentionKind.Bahdanau", false)]
    public void A_table_is_built_within_the_budget_when_the_first_layer_reads_the_embedding_alone(string arguments, bool table)
    {
        var run = GeneratorHarness.Run($$"""
            using StaticSeq2Seq;

            namespace Demo;

            [Seq2SeqModel(SourceVocabularySize = 10, EmbeddingSize = 8, Layers = 1, MaxSourceLength = 3, MaxTargetLength = 3, {{arguments}})]
            public partial class Model;
            """);

        run.AssertGeneratorHealthy();
        var greedy = Assert.Single(run.Sources, s => s.HintName == "Demo.Model.Decode.Greedy.g.cs").SourceText.ToString();
        var step = Assert.Single(run.Sources, s => s.HintName == "Demo.Model.Decode.Step.g.cs").SourceText.ToString();
        Assert.Equal(table, greedy.Contains("DecoderStepForwardFromTable(p, a, inputTable, token, i", StringComparison.Ordinal));
        Assert.Equal(table, step.Contains("DecoderStepForwardFromTable(p, a, inputTable, token, 0", StringComparison.Ordinal));
    }
}
