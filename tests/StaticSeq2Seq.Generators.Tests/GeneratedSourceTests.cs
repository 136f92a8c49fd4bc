using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// Whole-file baselines of the generated source. Like the regex generator's output tests, they exist so any
/// change to the emitted code's formatting or readability is seen and reviewed. The models are tiny and no width
/// is a multiple of a vector, so the snapshots stay short while still showing every tail path.
/// </summary>
public sealed class GeneratedSourceTests
{
    [Fact]
    public void SingleLayerGru()
    {
        var run = GeneratorHarness.Run("""
            using StaticSeq2Seq;

            namespace Demo;

            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6,
                          Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 4, MaxTargetLength = 4)]
            public partial class TinyGru;
            """);

        run.AssertCompilesCleanly();
        AssertHintNames(run, "Demo.TinyGru");
        Snapshots.Match(run);
    }

    [Fact]
    public void TwoLayerRnn()
    {
        var run = GeneratorHarness.Run("""
            using StaticSeq2Seq;

            namespace Demo.Models;

            [Seq2SeqModel(SourceVocabularySize = 9, TargetVocabularySize = 6, EmbeddingSize = 3, HiddenSize = 5,
                          Layers = 2, Cell = RecurrentCell.Rnn, MaxSourceLength = 3, MaxTargetLength = 2)]
            internal sealed partial class TinyRnn2;
            """);

        run.AssertCompilesCleanly();
        AssertHintNames(run, "Demo.Models.TinyRnn2");
        Snapshots.Match(run);
    }

    /// <summary>E == H, so the layer-0 and layer-1 input kernels coincide and must be emitted once.</summary>
    [Fact]
    public void TwoLayerGruInGlobalNamespaceWithEmbeddingEqualToHidden()
    {
        var run = GeneratorHarness.Run("""
            [StaticSeq2Seq.Seq2SeqModel(SourceVocabularySize = 5, TargetVocabularySize = 6, EmbeddingSize = 4, HiddenSize = 4,
                                        Layers = 2, MaxSourceLength = 2, MaxTargetLength = 3)]
            public partial class GlobalGru2
            {
                /// <summary>A member of the user's own, to show the generated parts merge with it.</summary>
                public string Describe() => $"{Layers} x GRU({HiddenSize})";
            }
            """);

        run.AssertCompilesCleanly();
        AssertHintNames(run, "GlobalGru2");
        Snapshots.Match(run);
    }

    private static void AssertHintNames(GeneratorRun run, string prefix) =>
        Assert.Equal(
            new[] { "Decode.Greedy", "Decode.Step", "Kernels", "Layers", "Model", "Training" }.Select(concern => $"{prefix}.{concern}.g.cs"),
            run.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
}
