using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// The <c>Attention</c> argument through the real analyzer and generator, with <see cref="DiagnosticTests"/>' harness:
/// every kind is generated and compiles cleanly, and a value that is not an <c>AttentionKind</c> is S2S0009 at the argument.
/// </summary>
public sealed class AttentionDiagnosticTests
{
    private const string ValidArguments =
        "SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6, MaxSourceLength = 4, MaxTargetLength = 4";

    [Theory]
    [InlineData("None", 6)]
    [InlineData("LuongDot", 7)]
    [InlineData("LuongGeneral", 7)]
    [InlineData("Bahdanau", 7)]
    public async Task EveryAttentionKind_ReportsNothingAndCompiles(string kind, int files)
    {
        var (diagnostics, run) = await DiagnosticTests.AnalyzeAndGenerate($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}}, Layers = 2, Attention = AttentionKind.{{kind}})]
            partial class Model;
            """);

        Assert.Empty(diagnostics);
        Assert.Equal(files, run.Sources.Length);
        Assert.Equal(files == 7, run.Sources.Any(s => s.HintName == "Demo.Model.Attention.g.cs"));
        run.AssertCompilesCleanly();
    }

    [Fact]
    public async Task S2S0009_UndefinedAttention()
    {
        var diagnostic = await DiagnosticTests.SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}}, Attention = (AttentionKind)9)]
            partial class Model;
            """);

        DiagnosticTests.AssertDiagnostic(diagnostic, "S2S0009", "Attention = (AttentionKind)9",
            "Attention is 9", "not an AttentionKind", "AttentionKind.None", "AttentionKind.LuongDot", "AttentionKind.LuongGeneral", "AttentionKind.Bahdanau");
    }

    [Fact]
    public async Task S2S0009_NegativeAttention()
    {
        var diagnostic = await DiagnosticTests.SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}}, Attention = (AttentionKind)(-1))]
            partial class Model;
            """);

        DiagnosticTests.AssertDiagnostic(diagnostic, "S2S0009", "Attention = (AttentionKind)(-1)", "Attention is -1", "AttentionKind.Bahdanau");
    }
}
