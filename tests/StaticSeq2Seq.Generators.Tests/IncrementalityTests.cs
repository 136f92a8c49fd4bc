using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// The pipeline's cache boundary is the parse step (<see cref="StepNames.ParseSpec"/>): an edit that leaves every
/// <c>ModelSpec</c> equal must re-run nothing after it (<see cref="StepNames.BuildPlan"/>, the emitters), as the regex
/// generator's and Mapperly's incremental tests check; an edit to the attribute must re-run both.
/// </summary>
public sealed class IncrementalityTests
{
    private const string ModelSource = """
        using StaticSeq2Seq;

        namespace Demo;

        [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6, MaxSourceLength = 4, MaxTargetLength = 4)]
        public partial class Model;
        """;

    [Fact]
    public void UnrelatedTypeInAnotherFile_IsCached()
    {
        var first = GeneratorHarness.Run(ModelSource);

        var second = GeneratorHarness.Run(
            first.Input.AddSyntaxTrees(GeneratorHarness.Parse("namespace Demo; public sealed class Unrelated { public int Value => 42; }")),
            first.Driver);

        AssertNothingRegenerated(first, second);
    }

    [Fact]
    public void WhitespaceAndCommentEditInTheModelFile_IsCached()
    {
        var first = GeneratorHarness.Run(ModelSource);
        var edited = ModelSource
            .Replace("namespace Demo;", "namespace Demo;\n\n// The model the demo trains.\n", StringComparison.Ordinal)
            .Replace("HiddenSize = 6,", "HiddenSize   =   6 /* small on purpose */,", StringComparison.Ordinal);

        var second = GeneratorHarness.Run(ReplaceModelText(first, edited), first.Driver);

        AssertNothingRegenerated(first, second);
        // The model's own file changed, so the parse step ran again and produced an equal spec.
        Assert.Contains(Reasons(second, StepNames.ParseSpec), reason => reason == IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void EditingAnotherMemberOfTheModelClass_IsCached()
    {
        var first = GeneratorHarness.Run(ModelSource.Replace("public partial class Model;", "public partial class Model { }", StringComparison.Ordinal));
        var edited = ModelSource.Replace("public partial class Model;", "public partial class Model { public int Epochs => 3; }", StringComparison.Ordinal);

        var second = GeneratorHarness.Run(ReplaceModelText(first, edited), first.Driver);

        AssertNothingRegenerated(first, second);
    }

    [Fact]
    public void HiddenSizeChange_Regenerates()
    {
        var first = GeneratorHarness.Run(ModelSource);
        var edited = ModelSource.Replace("HiddenSize = 6", "HiddenSize = 7", StringComparison.Ordinal);

        var second = GeneratorHarness.Run(ReplaceModelText(first, edited), first.Driver);

        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, StepNames.ParseSpec));
        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, StepNames.BuildPlan));
        Assert.Contains(IncrementalStepRunReason.Modified, SourceOutputReasons(second));
        Assert.Contains("public const int HiddenSize = 7;", Source(second, "Demo.Model.Model.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void AttentionChange_Regenerates()
    {
        var first = GeneratorHarness.Run(ModelSource);
        var edited = ModelSource.Replace("MaxTargetLength = 4)", "MaxTargetLength = 4, Attention = AttentionKind.LuongDot)", StringComparison.Ordinal);

        var second = GeneratorHarness.Run(ReplaceModelText(first, edited), first.Driver);

        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, StepNames.ParseSpec));
        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, StepNames.BuildPlan));
        Assert.Equal(first.Sources.Length + 1, second.Sources.Length);
        Assert.Contains("private static void LuongForward(", Source(second, "Demo.Model.Attention.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void BidirectionalEncoderChange_Regenerates()
    {
        var first = GeneratorHarness.Run(ModelSource);
        var edited = ModelSource.Replace("MaxTargetLength = 4)", "MaxTargetLength = 4, BidirectionalEncoder = true)", StringComparison.Ordinal);

        var second = GeneratorHarness.Run(ReplaceModelText(first, edited), first.Driver);

        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, StepNames.ParseSpec));
        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, StepNames.BuildPlan));
        Assert.Contains("encoder.rnn.weight_ih_l0_reverse", Source(second, "Demo.Model.Model.g.cs"), StringComparison.Ordinal);
        Assert.Contains("private static void EncoderReverseLayer0Forward(", Source(second, "Demo.Model.Layers.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void SecondModelAdded_LeavesTheFirstCached()
    {
        var first = GeneratorHarness.Run(ModelSource);

        var second = GeneratorHarness.Run(
            first.Input.AddSyntaxTrees(GeneratorHarness.Parse("""
                [StaticSeq2Seq.Seq2SeqModel(SourceVocabularySize = 5, TargetVocabularySize = 5, EmbeddingSize = 2, HiddenSize = 3, MaxSourceLength = 2, MaxTargetLength = 2)]
                partial class Other;
                """)),
            first.Driver);

        // The attribute's transform re-runs on every compilation change (the compilation is its input), so the first
        // model's spec is Unchanged rather than Cached; the plan after the boundary is Cached.
        Assert.Equal([IncrementalStepRunReason.New, IncrementalStepRunReason.Unchanged], Reasons(second, StepNames.ParseSpec).Order());
        Assert.Equal([IncrementalStepRunReason.New, IncrementalStepRunReason.Cached], Reasons(second, StepNames.BuildPlan).Order());
        Assert.Equal(12, second.Sources.Length);
    }

    /// <summary>Fixing an invalid declaration (no output) produces the model: the invalid spec was cached, not dropped.</summary>
    [Fact]
    public void FixingAnInvalidArgument_Generates()
    {
        var broken = ModelSource.Replace("HiddenSize = 6", "HiddenSize = 0", StringComparison.Ordinal);
        var first = GeneratorHarness.Run(broken);
        Assert.Empty(first.Sources);

        var second = GeneratorHarness.Run(ReplaceModelText(first, ModelSource), first.Driver);

        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, StepNames.BuildPlan));
        Assert.Equal(6, second.Sources.Length);
    }

    /// <summary>The first run's input with the model's file (its only file) edited, as an IDE would edit it.</summary>
    private static CSharpCompilation ReplaceModelText(GeneratorRun run, string text)
    {
        var tree = run.Input.SyntaxTrees.Single();
        return run.Input.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(text)));
    }

    /// <summary>
    /// Every output of both tracked steps was reused (Cached: not re-run; Unchanged: re-run, equal result), no source
    /// output ran again, and the generated text is the same.
    /// </summary>
    private static void AssertNothingRegenerated(GeneratorRun first, GeneratorRun second)
    {
        foreach (var step in new[] { StepNames.ParseSpec, StepNames.BuildPlan })
        {
            var reasons = Reasons(second, step);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.True(
                reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"{step} output was {reason}: the edit reached past the cache boundary."));
        }
        Assert.Equal([IncrementalStepRunReason.Cached], SourceOutputReasons(second).Distinct());
        Assert.Equal(
            first.Sources.Select(s => (s.HintName, s.SourceText.ToString())),
            second.Sources.Select(s => (s.HintName, s.SourceText.ToString())));
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRun run, string step)
    {
        Assert.True(run.Generator.TrackedSteps.TryGetValue(step, out var steps), $"No tracked step named {step}.");
        return [.. steps.SelectMany(s => s.Outputs).Select(o => o.Reason)];
    }

    private static IncrementalStepRunReason[] SourceOutputReasons(GeneratorRun run) =>
        [.. run.Generator.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput].SelectMany(s => s.Outputs).Select(o => o.Reason)];

    private static string Source(GeneratorRun run, string hintName) =>
        run.Sources.Single(s => s.HintName == hintName).SourceText.ToString();
}
