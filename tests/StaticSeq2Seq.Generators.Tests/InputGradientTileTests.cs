using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// Which tiles the all-steps input gradient dX = dY W^T takes: eight weight rows whose dot products reduce together into
/// one vector of dx (Vector512 and Vector256) where a layer has at least eight inputs and rows of at most 512 outputs, the
/// four-row tiles with one horizontal sum per dot product otherwise (fewer inputs, a large vocabulary's output projection).
/// </summary>
public sealed class InputGradientTileTests
{
    [Theory]
    // E = 8, H = 8: the output projection 8 -> 16 and layer 0's W_ih 8 -> 24 take the reduced tiles.
    [InlineData(16, 8, "Linear8x16StepsInputBackward", true)]
    [InlineData(16, 8, "Linear8x24StepsInputBackward", true)]
    // 600 target tokens: the output projection's rows are too long for eight to stay in L1.
    [InlineData(600, 8, "Linear8x600StepsInputBackward", false)]
    // E = 4: four inputs fill no tile of eight.
    [InlineData(16, 4, "Linear4x24StepsInputBackward", false)]
    public void The_input_gradient_reduces_eight_rows_together_where_they_are_short_and_there_are_eight(int targetVocabulary, int embedding, string kernel, bool reduced)
    {
        var run = GeneratorHarness.Run($$"""
            using StaticSeq2Seq;

            namespace Demo;

            [Seq2SeqModel(SourceVocabularySize = 10, TargetVocabularySize = {{targetVocabulary}}, EmbeddingSize = {{embedding}}, HiddenSize = 8, Layers = 1,
                          Cell = RecurrentCell.Gru, MaxSourceLength = 3, MaxTargetLength = 3)]
            public partial class Model;
            """);

        run.AssertCompilesCleanly();
        var kernels = Assert.Single(run.Sources, s => s.HintName == "Demo.Model.Kernels.g.cs").SourceText.ToString();
        var start = kernels.IndexOf($"public static void {kernel}(", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{kernel} is not emitted.");
        var end = kernels.IndexOf("// No SIMD.", start, StringComparison.Ordinal);
        var body = kernels[start..end];
        Assert.Equal(reduced, body.Contains("SumEach(dot00.GetLower() + dot00.GetUpper(), dot01.GetLower() + dot01.GetUpper()", StringComparison.Ordinal));
        Assert.Equal(reduced, body.Contains("SumEach(dot00, dot01, dot02, dot03, dot04, dot05, dot06, dot07)", StringComparison.Ordinal));
        Assert.Equal(!reduced, body.Contains("+= Vector512.Sum(dot00)", StringComparison.Ordinal));
        Assert.Equal(!reduced, body.Contains("+= Vector256.Sum(dot00)", StringComparison.Ordinal));
    }
}
