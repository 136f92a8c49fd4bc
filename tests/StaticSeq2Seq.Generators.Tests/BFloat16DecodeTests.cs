using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// The <c>DecodeWeights</c> argument through the real analyzer and generator: a bfloat16 model's whole source as a
/// baseline (the Decode.BFloat16 file with the copy and the decoding overloads, the bfloat16 kernels, the decoding
/// entry points that read them), every attention kind generated and compiling cleanly in bfloat16, and a value that
/// is not a <c>DecodeWeightFormat</c> reported as S2S0012 at the argument.
/// </summary>
public sealed class BFloat16DecodeTests
{
    private const string ValidArguments =
        "SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6, MaxSourceLength = 4, MaxTargetLength = 4";

    /// <summary>
    /// Bahdanau attention has no decoder input table, so every decoder matrix is read in bfloat16. Training, the layers
    /// and attention are the float model's files character for character; the files decoding changes are snapshots.
    /// </summary>
    [Fact]
    public void BahdanauGruDecodingInBFloat16()
    {
        const string Declaration = """
            using StaticSeq2Seq;

            namespace Demo;

            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6,
                          Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 4, MaxTargetLength = 3,
                          Attention = AttentionKind.Bahdanau{0})]
            public partial class TinyBFloat16;
            """;
        var run = GeneratorHarness.Run(Declaration.Replace("{0}", ", DecodeWeights = DecodeWeightFormat.BFloat16", StringComparison.Ordinal));
        var floatRun = GeneratorHarness.Run(Declaration.Replace("{0}", "", StringComparison.Ordinal));

        run.AssertCompilesCleanly();
        Assert.Equal(
            new[] { "Attention", "Decode.BFloat16", "Decode.Greedy", "Decode.Step", "Kernels", "Layers", "Model", "Training" }.Select(concern => $"Demo.TinyBFloat16.{concern}.g.cs"),
            run.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        foreach (var unchanged in new[] { "Attention", "Layers", "Training" }.Select(concern => $"Demo.TinyBFloat16.{concern}.g.cs"))
        {
            Assert.Equal(Text(floatRun, unchanged), Text(run, unchanged));
        }
        Snapshots.Match(run, hintNames: new[] { "Decode.BFloat16", "Decode.Greedy", "Decode.Step", "Kernels", "Model" }.Select(concern => $"Demo.TinyBFloat16.{concern}.g.cs").ToHashSet(StringComparer.Ordinal));
    }

    private static string Text(GeneratorRun run, string hintName) => run.Sources.Single(s => s.HintName == hintName).SourceText.ToString();

    [Theory]
    [InlineData("None", "Float32", 6)]
    [InlineData("None", "BFloat16", 7)]
    [InlineData("LuongDot", "BFloat16", 8)]
    [InlineData("LuongGeneral", "BFloat16", 8)]
    [InlineData("Bahdanau", "BFloat16", 8)]
    public async Task EveryAttentionKind_InBFloat16_ReportsNothingAndCompiles(string kind, string format, int files)
    {
        var (diagnostics, run) = await DiagnosticTests.AnalyzeAndGenerate($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}}, Layers = 2, Attention = AttentionKind.{{kind}}, DecodeWeights = DecodeWeightFormat.{{format}})]
            partial class Model;
            """);

        Assert.Empty(diagnostics);
        Assert.Equal(files, run.Sources.Length);
        Assert.Equal(format == "BFloat16", run.Sources.Any(s => s.HintName == "Demo.Model.Decode.BFloat16.g.cs"));
        run.AssertCompilesCleanly();
    }

    [Theory]
    [InlineData("(DecodeWeightFormat)2", "2")]
    [InlineData("(DecodeWeightFormat)(-1)", "-1")]
    public async Task S2S0012_UndefinedDecodeWeightFormat(string expression, string value)
    {
        var diagnostic = await DiagnosticTests.SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}}, DecodeWeights = {{expression}})]
            partial class Model;
            """);

        DiagnosticTests.AssertDiagnostic(diagnostic, "S2S0012", $"DecodeWeights = {expression}",
            $"DecodeWeights is {value}", "not a DecodeWeightFormat", "DecodeWeightFormat.Float32", "DecodeWeightFormat.BFloat16");
    }
}
