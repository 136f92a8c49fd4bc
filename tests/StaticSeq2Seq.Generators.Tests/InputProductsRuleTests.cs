using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// Which stacks take layer 0's input side over all steps at once: a one-way encoder always, a bidirectional one never;
/// the decoder without attention (its teacher-forced pass), with any attention never. The emitted training code shows it
/// by the all-steps input products it calls.
/// </summary>
public sealed class InputProductsRuleTests
{
    [Theory]
    [InlineData("", true, true)]
    [InlineData(", BidirectionalEncoder = true", false, true)]
    [InlineData(", Attention = AttentionKind.LuongDot", true, false)]
    [InlineData(", Attention = AttentionKind.LuongGeneral", true, false)]
    [InlineData(", Attention = AttentionKind.Bahdanau", true, false)]
    [InlineData(", Attention = AttentionKind.Bahdanau, BidirectionalEncoder = true", false, false)]
    public void Layer_0_runs_its_input_side_over_all_steps_where_its_inputs_are_known_before_the_recurrence(string arguments, bool encoder, bool decoder)
    {
        var run = GeneratorHarness.Run($$"""
            using StaticSeq2Seq;

            namespace Demo;

            [Seq2SeqModel(SourceVocabularySize = 10, TargetVocabularySize = 12, EmbeddingSize = 8, HiddenSize = 6, Layers = 2,
                          Cell = RecurrentCell.Gru, MaxSourceLength = 3, MaxTargetLength = 3{{arguments}})]
            public partial class Model;
            """);

        run.AssertCompilesCleanly();
        var training = Assert.Single(run.Sources, s => s.HintName == "Demo.Model.Training.g.cs").SourceText.ToString();
        var layers = Assert.Single(run.Sources, s => s.HintName == "Demo.Model.Layers.g.cs").SourceText.ToString();
        Assert.Equal(encoder, training.Contains("EncoderLayer0InputProducts(p, a, source, pass);", StringComparison.Ordinal));
        Assert.Equal(encoder, layers.Contains("EncoderLayer0InputsBackward(p, g, a, tokens, steps, pass);", StringComparison.Ordinal));
        Assert.Equal(decoder, training.Contains("DecoderLayer0InputProducts(p, a, inputs, pass);", StringComparison.Ordinal));
        Assert.Equal(decoder, layers.Contains("DecoderLayer0InputsBackward(p, g, a, tokens, steps, pass);", StringComparison.Ordinal));
    }
}
