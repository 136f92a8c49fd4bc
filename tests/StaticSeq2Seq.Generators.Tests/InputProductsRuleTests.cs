using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// Which stacks take layer 0's input side over all steps at once: a one-way encoder always, a bidirectional one never;
/// the decoder always (its teacher-forced pass), Bahdanau's context rows of W_ih over the source positions instead.
/// The emitted training code shows it by the all-steps input products it calls and the kernels the steps call.
/// </summary>
public sealed class InputProductsRuleTests
{
    [Theory]
    [InlineData("", true, false)]
    [InlineData(", BidirectionalEncoder = true", false, false)]
    [InlineData(", Attention = AttentionKind.LuongDot", true, false)]
    [InlineData(", Attention = AttentionKind.LuongGeneral", true, false)]
    [InlineData(", Attention = AttentionKind.Bahdanau", true, true)]
    [InlineData(", Attention = AttentionKind.Bahdanau, BidirectionalEncoder = true", false, true)]
    public void Layer_0_runs_its_input_side_over_all_steps_where_its_inputs_are_known_before_the_recurrence(string arguments, bool encoder, bool contextRows)
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
        Assert.Contains("DecoderLayer0InputProducts(p, a, inputs, pass);", training, StringComparison.Ordinal);
        Assert.Contains("DecoderLayer0InputsBackward(p, g, a, tokens, steps, pass);", layers, StringComparison.Ordinal);
        // E = 8, H = 6, G = 18: Bahdanau's layer 0 reads [embedding ; context] (14 inputs); the context's 6 rows multiply the
        // encoder's outputs once per source (ContextRowsRule), and each step adds its weighted rows: no step multiplies W_ih.
        var attention = run.Sources.SingleOrDefault(s => s.HintName == "Demo.Model.Attention.g.cs").SourceText?.ToString() ?? "";
        Assert.Equal(contextRows, training.Contains("ContextGatesForward(p, a, source.Length);", StringComparison.Ordinal));
        Assert.Equal(contextRows, attention.Contains("DenseKernels.Linear6x18NoBiasSteps(p.Slice(DecoderWeightIh0Offset + EmbeddingSize * GateSize, HiddenSize * GateSize), ", StringComparison.Ordinal));
        Assert.Equal(contextRows, layers.Contains("TensorPrimitives.MultiplyAdd(a.Slice(ContextGatesOffset + j * GateSize, GateSize), weights[j], gates, gates);", StringComparison.Ordinal));
        Assert.DoesNotContain("(p.Slice(DecoderWeightIh0Offset + EmbeddingSize * GateSize, HiddenSize * GateSize), gates, context, gates)", layers, StringComparison.Ordinal);
        Assert.DoesNotContain("StepInputBackward(p.Slice(DecoderWeightIh0Offset", layers, StringComparison.Ordinal);
    }
}
