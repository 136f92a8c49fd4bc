using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// Whole-file baselines of attention models' generated source, as <see cref="GeneratedSourceTests"/> keeps for the
/// plain ones: the Attention file with each kind's forward and backward pair, and how the decoder step, the output
/// projection, the training loop and the kernels change around it. Tiny sizes, no width a multiple of a vector.
/// </summary>
public sealed class AttentionSourceTests
{
    [Fact]
    public void BahdanauGru()
    {
        var run = GeneratorHarness.Run("""
            using StaticSeq2Seq;

            namespace Demo;

            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6,
                          Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 4, MaxTargetLength = 3,
                          Attention = AttentionKind.Bahdanau)]
            public partial class TinyBahdanau;
            """);

        run.AssertCompilesCleanly();
        AssertHintNames(run, "Demo.TinyBahdanau");
        Snapshots.Match(run);
    }

    /// <summary>Luong general on two layers: the keys are projected once per source, and the output reads h~.</summary>
    [Fact]
    public void LuongGeneralTwoLayerRnn()
    {
        var run = GeneratorHarness.Run("""
            using StaticSeq2Seq;

            namespace Demo;

            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 6, EmbeddingSize = 3, HiddenSize = 5,
                          Layers = 2, Cell = RecurrentCell.Rnn, MaxSourceLength = 3, MaxTargetLength = 2,
                          Attention = AttentionKind.LuongGeneral)]
            public partial class TinyLuong;
            """);

        run.AssertCompilesCleanly();
        AssertHintNames(run, "Demo.TinyLuong");
        Snapshots.Match(run);
    }

    private static void AssertHintNames(GeneratorRun run, string prefix) =>
        Assert.Equal(
            new[] { "Attention", "Decode.Greedy", "Decode.Step", "Kernels", "Layers", "Model", "Training" }.Select(concern => $"{prefix}.{concern}.g.cs"),
            run.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
}
