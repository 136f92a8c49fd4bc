using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// The <c>DecodeWeights</c> argument through the real analyzer and generator: a bfloat16 and an int8 model's source as
/// baselines (the Decode.BFloat16, Decode.Int8 or Decode.Int8Dynamic file with the copy and the decoding overloads, the copy's kernels, the
/// decoding entry points that read them), every attention kind generated and compiling cleanly in each format, and a
/// value that is not a <c>DecodeWeightFormat</c> reported as S2S0012 at the argument.
/// </summary>
public sealed class DecodeWeightsTests
{
    private const string ValidArguments =
        "SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6, MaxSourceLength = 4, MaxTargetLength = 4";

    /// <summary>
    /// Bahdanau attention has no decoder input table, so every decoder matrix is read in bfloat16. Training, the layers
    /// and attention are the float model's files character for character; the files decoding changes are snapshots.
    /// </summary>
    [Fact]
    public void BahdanauGruDecodingInBFloat16() => MatchBahdanauGru("BFloat16");

    /// <summary>The same model decoding in int8: the Decode.Int8 file with the row scales, and the int8 kernels.</summary>
    [Fact]
    public void BahdanauGruDecodingInInt8() => MatchBahdanauGru("Int8");

    /// <summary>
    /// The same model decoding with int8 weights and activations: the Decode.Int8Dynamic file with the packed copy, the
    /// encoder's decoding overloads and the EncodeSource that runs them, and the kernels over the runtime's integer products.
    /// </summary>
    [Fact]
    public void BahdanauGruDecodingInInt8Dynamic() => MatchBahdanauGru("Int8Dynamic");

    private static void MatchBahdanauGru(string format, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        const string Declaration = """
            using StaticSeq2Seq;

            namespace Demo;

            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6,
                          Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 4, MaxTargetLength = 3,
                          Attention = AttentionKind.Bahdanau{0})]
            public partial class Tiny{1};
            """;
        var run = GeneratorHarness.Run(Declaration.Replace("{0}", $", DecodeWeights = DecodeWeightFormat.{format}", StringComparison.Ordinal).Replace("{1}", format, StringComparison.Ordinal));
        var floatRun = GeneratorHarness.Run(Declaration.Replace("{0}", "", StringComparison.Ordinal).Replace("{1}", format, StringComparison.Ordinal));

        run.AssertCompilesCleanly();
        Assert.Equal(
            new[] { "Attention", $"Decode.{format}", "Decode.Greedy", "Decode.Step", "Kernels", "Layers", "Model", "Training" }.Order(StringComparer.Ordinal).Select(concern => $"Demo.Tiny{format}.{concern}.g.cs"),
            run.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        foreach (var unchanged in new[] { "Attention", "Layers", "Training" }.Select(concern => $"Demo.Tiny{format}.{concern}.g.cs"))
        {
            Assert.Equal(Text(floatRun, unchanged), Text(run, unchanged));
        }
        Snapshots.Match(run, testMethod: test, hintNames: new[] { $"Decode.{format}", "Decode.Greedy", "Decode.Step", "Kernels", "Model" }.Select(concern => $"Demo.Tiny{format}.{concern}.g.cs").ToHashSet(StringComparer.Ordinal));
    }

    private static string Text(GeneratorRun run, string hintName) => run.Sources.Single(s => s.HintName == hintName).SourceText.ToString();

    [Theory]
    [InlineData("None", "Float32", 6)]
    [InlineData("None", "BFloat16", 7)]
    [InlineData("LuongDot", "BFloat16", 8)]
    [InlineData("LuongGeneral", "BFloat16", 8)]
    [InlineData("Bahdanau", "BFloat16", 8)]
    [InlineData("None", "Int8", 7)]
    [InlineData("LuongDot", "Int8", 8)]
    [InlineData("LuongGeneral", "Int8", 8)]
    [InlineData("Bahdanau", "Int8", 8)]
    [InlineData("None", "Int8Dynamic", 7)]
    [InlineData("LuongDot", "Int8Dynamic", 8)]
    [InlineData("LuongGeneral", "Int8Dynamic", 8)]
    [InlineData("Bahdanau", "Int8Dynamic", 8)]
    public async Task EveryAttentionKind_InEachFormat_ReportsNothingAndCompiles(string kind, string format, int files)
    {
        var (diagnostics, run) = await DiagnosticTests.AnalyzeAndGenerate($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}}, Layers = 2, Attention = AttentionKind.{{kind}}, DecodeWeights = DecodeWeightFormat.{{format}})]
            partial class Model;
            """);

        Assert.Empty(diagnostics);
        Assert.Equal(files, run.Sources.Length);
        Assert.Equal(format != "Float32", run.Sources.Any(s => s.HintName == $"Demo.Model.Decode.{format}.g.cs"));
        run.AssertCompilesCleanly();
    }

    [Theory]
    [InlineData("(DecodeWeightFormat)4", "4")]
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
            $"DecodeWeights is {value}", "not a DecodeWeightFormat", "DecodeWeightFormat.Float32", "DecodeWeightFormat.BFloat16", "DecodeWeightFormat.Int8", "DecodeWeightFormat.Int8Dynamic");
    }
}
