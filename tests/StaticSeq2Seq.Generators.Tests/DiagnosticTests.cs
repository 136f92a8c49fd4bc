using Microsoft.CodeAnalysis;
using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// One test per diagnostic, through the real <see cref="Diagnostics.Seq2SeqModelAnalyzer"/>: the id, the squiggle
/// (the offending <c>Name = value</c>, or the class name for a problem with the class) and a message that names
/// the argument and what is allowed. Each also runs the real generator to show an invalid model emits nothing
/// and leaves the compiler with nothing to add: the analyzer's diagnostic is the only one the user sees.
/// </summary>
public sealed class DiagnosticTests
{
    private const string ValidArguments =
        "SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6, MaxSourceLength = 4, MaxTargetLength = 4";

    /// <summary>
    /// Only the two required arguments: the attribute's defaults (E = 64, H = 128, T = 32) fill in the rest, and the
    /// model is generated. At these sizes the kernels run several register blocks, which the tiny snapshots do not show.
    /// </summary>
    [Fact]
    public async Task ValidModel_WithDefaults_ReportsNothingAndCompiles()
    {
        var (diagnostics, run) = await AnalyzeAndGenerate("""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel(SourceVocabularySize = 5, TargetVocabularySize = 5)]
            partial class Model;
            """);

        Assert.Empty(diagnostics);
        Assert.Equal(6, run.Sources.Length);
        run.AssertCompilesCleanly();
    }

    [Fact]
    public async Task S2S0001_ClassNotPartial()
    {
        var diagnostic = await SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}})]
            class Model;
            """);

        AssertDiagnostic(diagnostic, "S2S0001", "Model", "'Model'", "partial");
    }

    [Fact]
    public async Task S2S0001_ClassNotPartialInOneOfItsDeclarations()
    {
        var diagnostic = await SingleErrorWithoutOutput(
            $$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}})]
            partial class Model;
            """,
            """
            namespace Demo;
            class Model { }
            """,
            // Mixing partial and non-partial declarations is itself a compiler error.
            allowedCompilerErrors: ["CS0260"]);

        AssertDiagnostic(diagnostic, "S2S0001", "Model", "'Model'", "partial");
    }

    [Fact]
    public async Task S2S0002_ClassNested()
    {
        var diagnostic = await SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo;
            partial class Outer
            {
                [Seq2SeqModel({{ValidArguments}})]
                partial class Inner;
            }
            """);

        AssertDiagnostic(diagnostic, "S2S0002", "Inner", "'Inner'", "nested", "namespace level");
    }

    [Fact]
    public async Task S2S0003_ClassGeneric()
    {
        var diagnostic = await SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}})]
            partial class Model<T>;
            """);

        AssertDiagnostic(diagnostic, "S2S0003", "Model", "'Model'", "generic", "type parameters");
    }

    [Fact]
    public async Task S2S0004_ClassStatic()
    {
        var diagnostic = await SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}})]
            static partial class Model;
            """);

        AssertDiagnostic(diagnostic, "S2S0004", "Model", "'Model'", "static", "instance class");
    }

    /// <summary>A missing argument has no text of its own, so the squiggle is the whole attribute.</summary>
    [Fact]
    public async Task S2S0005_SourceVocabularySizeMissing()
    {
        var diagnostic = await SingleErrorWithoutOutput("""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel(TargetVocabularySize = 7, EmbeddingSize = 5)]
            partial class Model;
            """);

        AssertDiagnostic(diagnostic, "S2S0005", "Seq2SeqModel(TargetVocabularySize = 7, EmbeddingSize = 5)",
            "SourceVocabularySize", "required", "5 to 1000000");
    }

    [Fact]
    public async Task S2S0005_BothVocabularySizesMissing_ReportsEach()
    {
        var (diagnostics, run) = await AnalyzeAndGenerate("""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel]
            partial class Model;
            """);

        Assert.Empty(run.Sources);
        Assert.Collection(diagnostics,
            d => AssertDiagnostic(d, "S2S0005", "Seq2SeqModel", "SourceVocabularySize", "5 to 1000000"),
            d => AssertDiagnostic(d, "S2S0005", "Seq2SeqModel", "TargetVocabularySize", "5 to 1000000"));
    }

    [Theory]
    [InlineData("HiddenSize = 0", "HiddenSize is 0", "1 to 4096")]
    [InlineData("HiddenSize = 4097", "HiddenSize is 4097", "1 to 4096")]
    [InlineData("EmbeddingSize = -3", "EmbeddingSize is -3", "1 to 4096")]
    [InlineData("EmbeddingSize = int.MinValue", "EmbeddingSize is -2147483648", "1 to 4096")]
    [InlineData("Layers = 0", "Layers is 0", "1 to 8")]
    [InlineData("Layers = 9", "Layers is 9", "1 to 8")]
    [InlineData("MaxSourceLength = -1", "MaxSourceLength is -1", "1 to 1024")]
    [InlineData("MaxTargetLength = 1025", "MaxTargetLength is 1025", "1 to 1024")]
    [InlineData("SourceVocabularySize = 4", "SourceVocabularySize is 4", "5 to 1000000")]
    [InlineData("TargetVocabularySize = 1_000_001", "TargetVocabularySize is 1000001", "5 to 1000000")]
    public async Task S2S0006_ArgumentOutOfRange(string argument, string valueMessage, string rangeMessage)
    {
        var name = argument[..argument.IndexOf(' ', StringComparison.Ordinal)];
        var diagnostic = await SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{WithArgument(name, argument)}})]
            partial class Model;
            """);

        AssertDiagnostic(diagnostic, "S2S0006", argument, valueMessage, $"outside the allowed range {rangeMessage}");
    }

    [Fact]
    public async Task S2S0006_SeveralArgumentsOutOfRange_ReportsEachAtItsArgument()
    {
        var (diagnostics, run) = await AnalyzeAndGenerate("""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 0, HiddenSize = -1, Layers = 100)]
            partial class Model;
            """);

        Assert.Empty(run.Sources);
        Assert.Collection(diagnostics,
            d => AssertDiagnostic(d, "S2S0006", "EmbeddingSize = 0", "EmbeddingSize is 0", "1 to 4096"),
            d => AssertDiagnostic(d, "S2S0006", "HiddenSize = -1", "HiddenSize is -1", "1 to 4096"),
            d => AssertDiagnostic(d, "S2S0006", "Layers = 100", "Layers is 100", "1 to 8"));
    }

    [Fact]
    public async Task S2S0007_UndefinedCell()
    {
        var diagnostic = await SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}}, Cell = (RecurrentCell)7)]
            partial class Model;
            """);

        AssertDiagnostic(diagnostic, "S2S0007", "Cell = (RecurrentCell)7", "Cell is 7", "not a RecurrentCell", "RecurrentCell.Rnn", "RecurrentCell.Gru");
    }

    [Fact]
    public async Task S2S0008_ModelTooLarge()
    {
        var diagnostic = await SingleErrorWithoutOutput("""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel(SourceVocabularySize = 1_000_000, TargetVocabularySize = 7, EmbeddingSize = 4096, HiddenSize = 8)]
            partial class Model;
            """);

        // 1_000_000 x 4096 source embedding alone is 4.1e9 floats, past int.MaxValue. No one argument is at fault,
        // so the error covers the whole attribute.
        AssertDiagnostic(diagnostic, "S2S0008",
            "Seq2SeqModel(SourceVocabularySize = 1_000_000, TargetVocabularySize = 7, EmbeddingSize = 4096, HiddenSize = 8)",
            "parameters", "2,147,483,647", "reduce the vocabulary sizes");
    }

    /// <summary>
    /// Too large through the target side alone: the squiggle belongs on what made it too large (or on the whole
    /// attribute), not on <c>SourceVocabularySize = 5</c>, the smallest value allowed.
    /// </summary>
    [Fact]
    public async Task S2S0008_ModelTooLargeThroughTheTargetSide_DoesNotBlameSourceVocabularySize()
    {
        var diagnostic = await SingleErrorWithoutOutput("""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel(SourceVocabularySize = 5, TargetVocabularySize = 1_000_000, EmbeddingSize = 4096, HiddenSize = 4096)]
            partial class Model;
            """);

        Assert.Equal("S2S0008", diagnostic.Id);
        var text = diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);
        Assert.Contains(text, new[]
        {
            "TargetVocabularySize = 1_000_000",
            "Seq2SeqModel(SourceVocabularySize = 5, TargetVocabularySize = 1_000_000, EmbeddingSize = 4096, HiddenSize = 4096)",
        });
    }

    /// <summary>
    /// A class named like a member the generator adds (an interface method, a size constant, a layer's method) cannot hold
    /// it (CS0542 in the generated code); it is reported at the class name and nothing is generated.
    /// </summary>
    [Theory]
    [InlineData("Forward", "method")]
    [InlineData("HiddenSize", "constant")]
    [InlineData("Layout", "property")]
    [InlineData("EncoderLayer0Backward", "method")]
    public async Task S2S0010_ClassNamedLikeAGeneratedMember(string className, string memberKind)
    {
        var diagnostic = await SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}})]
            partial class {{className}};
            """);

        AssertDiagnostic(diagnostic, "S2S0010", className, $"'{className}'", $"the {memberKind} {className}", "rename the class");
    }

    /// <summary>
    /// A class named like a type the generated code uses is what that code finds under the name (inside class
    /// <c>Unsafe</c>, <c>Unsafe.Add</c> means the class); reported at the class name, with the use it breaks.
    /// </summary>
    [Theory]
    [InlineData("Unsafe", "Unsafe.Add")]
    [InlineData("MathF", "MathF.")]
    [InlineData("TensorPrimitives", "TensorPrimitives.")]
    [InlineData("ArgumentOutOfRangeException", "ArgumentOutOfRangeException")]
    public async Task S2S0011_ClassNamedLikeATypeTheGeneratedCodeUses(string className, string use)
    {
        var diagnostic = await SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{ValidArguments}})]
            partial class {{className}};
            """);

        AssertDiagnostic(diagnostic, "S2S0011", className, $"class name '{className}'", use, "rename the class");
    }

    /// <summary>A segment of the model's namespace is found the same way: <c>MemoryMarshal.GetReference</c> inside namespace <c>Demo.MemoryMarshal</c>.</summary>
    [Fact]
    public async Task S2S0011_NamespaceSegmentNamedLikeATypeTheGeneratedCodeUses()
    {
        var diagnostic = await SingleErrorWithoutOutput($$"""
            using StaticSeq2Seq;
            namespace Demo.MemoryMarshal;
            [Seq2SeqModel({{ValidArguments}})]
            partial class Model;
            """);

        AssertDiagnostic(diagnostic, "S2S0011", "Model", "namespace name 'MemoryMarshal'", "MemoryMarshal.", "rename the namespace");
    }

    /// <summary>
    /// Names that replace a type or namespace for the whole program: <c>System</c> in the global namespace hides the
    /// System namespace from the generated <c>using System;</c>, a class with a runtime type's full name replaces that type
    /// in the generated <c>global::</c> references, and <c>System.Object</c> replaces what <c>object</c> means.
    /// </summary>
    [Theory]
    [InlineData(null, "System", "using System;")]
    [InlineData("StaticSeq2Seq", "Seq2SeqWorkspace", "global::StaticSeq2Seq.Seq2SeqWorkspace")]
    [InlineData("System", "Object", "System.Object")]
    public async Task S2S0011_ClassReplacingAProgramWideName(string? namespaceName, string className, string use)
    {
        var namespaceLine = namespaceName is null ? "" : $"namespace {namespaceName};";
        var (diagnostics, run) = await AnalyzeAndGenerate($$"""
            using StaticSeq2Seq;
            {{namespaceLine}}
            [Seq2SeqModel({{ValidArguments}})]
            partial class {{className}};
            """);

        Assert.True(run.Sources.IsEmpty, $"An invalid model must not be generated, but got: {string.Join(", ", run.Sources.Select(s => s.HintName))}");
        var hidden = Assert.Single(diagnostics, d => d.Id == "S2S0011");
        AssertDiagnostic(hidden, "S2S0011", className, $"class name '{className}'", use, "rename the class");
    }

    /// <summary>Names that only look like a clash compile: a generic type of the name (<c>Span&lt;float&gt;</c>), a namespace reached only through <c>global::</c>.</summary>
    [Theory]
    [InlineData("Demo", "Span")]
    [InlineData("Demo", "System")]
    [InlineData("Demo.StaticSeq2Seq", "Model")]
    public async Task Names_the_generated_code_does_not_look_up_are_not_reported(string namespaceName, string className)
    {
        var (diagnostics, run) = await AnalyzeAndGenerate($$"""
            using StaticSeq2Seq;
            namespace {{namespaceName}};
            [Seq2SeqModel({{ValidArguments}})]
            partial class {{className}};
            """);

        Assert.Empty(diagnostics);
        Assert.False(run.Sources.IsEmpty);
        Assert.True(run.CompilerProblems.IsEmpty, GeneratorHarness.Describe(run.CompilerProblems));
    }

    private static string WithArgument(string name, string argument)
    {
        var arguments = ValidArguments.Split(", ").Where(a => !a.StartsWith(name + " ", StringComparison.Ordinal));
        return string.Join(", ", arguments.Append(argument));
    }

    internal static async Task<(IReadOnlyList<Diagnostic> Diagnostics, GeneratorRun Run)> AnalyzeAndGenerate(params string[] sources)
    {
        var run = GeneratorHarness.Run(sources);
        run.AssertGeneratorHealthy();
        var diagnostics = await GeneratorHarness.AnalyzeAsync(run.Output);
        return (diagnostics, run);
    }

    /// <summary>
    /// Asserts the analyzer reports exactly one diagnostic, that the generator emitted no source for the invalid
    /// model, and that the compiler reports nothing beyond <paramref name="allowedCompilerErrors"/>.
    /// </summary>
    internal static async Task<Diagnostic> SingleErrorWithoutOutput(string source, string? secondSource = null, string[]? allowedCompilerErrors = null)
    {
        var (diagnostics, run) = await AnalyzeAndGenerate(secondSource is null ? [source] : [source, secondSource]);
        Assert.True(run.Sources.IsEmpty, $"An invalid model must not be generated, but got: {string.Join(", ", run.Sources.Select(s => s.HintName))}");
        Assert.True(run.GeneratorDiagnostics.IsEmpty, $"The generator reported:\n{GeneratorHarness.Describe(run.GeneratorDiagnostics)}");
        var compiler = run.CompilerProblems.Where(d => !(allowedCompilerErrors ?? []).Contains(d.Id)).ToList();
        Assert.True(compiler.Count == 0, $"The compiler reported more than the analyzer's diagnostic:\n{GeneratorHarness.Describe(compiler)}");
        Assert.True(diagnostics.Count == 1, $"Expected one analyzer diagnostic:\n{GeneratorHarness.Describe(diagnostics)}");
        return diagnostics[0];
    }

    internal static void AssertDiagnostic(Diagnostic diagnostic, string id, string locationText, params string[] messageParts)
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.True(diagnostic.Location.IsInSource, $"{id} has no source location.");
        Assert.Equal(locationText, diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var part in messageParts)
        {
            Assert.Contains(part, message, StringComparison.Ordinal);
        }
    }
}
