using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// A model stages its weight gradients' rows for a chunk only when those gradients together outgrow the 512 KiB budget:
/// configuration S's (160 KB) are added pair by pair as before, M's (5.6 MB) get a stage, its offsets and the public
/// members that fill and add it.
/// </summary>
public sealed class WeightGradientStageRuleTests
{
    [Theory]
    [InlineData(64, 64, 32, 64, 16, "", false)]
    [InlineData(2000, 2000, 128, 256, 20, ", Attention = AttentionKind.Bahdanau", true)]
    // E = 8, H = 32, G = 96: the layers' W_ih and W_hh are 7,680 floats, the output projection 32 x V; the budget is 131,072 floats.
    [InlineData(10, 3856, 8, 32, 4, "", false)]
    [InlineData(10, 3857, 8, 32, 4, "", true)]
    // A stage of 4 x 1,025 rows of a million logits would not fit the int offsets: this model adds pair by pair.
    [InlineData(10, 1_000_000, 8, 32, 1024, "", false)]
    public void Only_weight_gradients_beyond_the_budget_are_staged(int sourceVocabulary, int targetVocabulary, int embedding, int hidden, int maxTargetLength, string arguments, bool staged)
    {
        var run = GeneratorHarness.Run($$"""
            using StaticSeq2Seq;

            namespace Demo;

            [Seq2SeqModel(SourceVocabularySize = {{sourceVocabulary}}, TargetVocabularySize = {{targetVocabulary}}, EmbeddingSize = {{embedding}}, HiddenSize = {{hidden}}, Layers = 1,
                          Cell = RecurrentCell.Gru, MaxSourceLength = 4, MaxTargetLength = {{maxTargetLength}}{{arguments}})]
            public partial class Model;
            """);

        run.AssertCompilesCleanly();
        var training = Assert.Single(run.Sources, s => s.HintName == "Demo.Model.Training.g.cs").SourceText.ToString();
        Assert.Equal(staged, training.Contains("public void BackwardStaged(", StringComparison.Ordinal));
        Assert.Equal(staged, training.Contains("public void AddStagedWeightGradients(", StringComparison.Ordinal));
        var layers = Assert.Single(run.Sources, s => s.HintName == "Demo.Model.Layers.g.cs").SourceText.ToString();
        Assert.Equal(staged, layers.Contains("OutputWeightGradients(g, stage, ", StringComparison.Ordinal));
        Assert.Equal(!staged, layers.Contains("StepsWeightBackward(g.Slice(OutputWeightOffset, OutputWeightLength), g.Slice(OutputBiasOffset, OutputBiasLength), ", StringComparison.Ordinal));
    }

    /// <summary>
    /// The staged form as its readers see it, on a model just past the budget: the backward functions take the stage,
    /// each weight gradient is a function that adds or keeps its rows, and the model's stage offsets and public members.
    /// </summary>
    [Fact]
    public void StagedWeightGradients()
    {
        var run = GeneratorHarness.Run("""
            using StaticSeq2Seq;

            namespace Demo;

            [Seq2SeqModel(SourceVocabularySize = 10, TargetVocabularySize = 3857, EmbeddingSize = 8, HiddenSize = 32,
                          Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 4, MaxTargetLength = 4)]
            public partial class StagedGru;
            """);

        run.AssertCompilesCleanly();
        Snapshots.Match(run, hintNames: ["Demo.StagedGru.Model.g.cs", "Demo.StagedGru.Layers.g.cs", "Demo.StagedGru.Training.g.cs"]);
    }
}
