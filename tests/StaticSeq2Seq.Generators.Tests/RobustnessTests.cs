using Microsoft.CodeAnalysis;
using StaticSeq2Seq.Generators.Tests.Infrastructure;

namespace StaticSeq2Seq.Generators.Tests;

/// <summary>
/// The generator must never throw: an escaped exception is warning CS8785 and silently drops all output, and a
/// caught one is S2S9999. Half-typed and odd declarations are what an IDE feeds it on every keystroke.
/// </summary>
public sealed class RobustnessTests
{
    public static TheoryData<string, string> BrokenDeclarations => new()
    {
        {
            "class without a body, at the end of the file",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 2)]
            public partial class Model
            """
        },
        {
            "class without a body, followed by another declaration",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 2)]
            public partial class Model
            public class Other { }
            """
        },
        {
            "attribute on a struct",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 2)]
            public partial struct Model;
            """
        },
        {
            "attribute on an interface and on a method",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 2)]
            public partial interface IModel;
            public static class Holder
            {
                [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 2)]
                public static void Method() { }
            }
            """
        },
        {
            "string where an int is expected",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = "seven", TargetVocabularySize = 7)]
            public partial class Model;
            """
        },
        {
            "string where the cell is expected",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, Cell = "Gru")]
            public partial class Model;
            """
        },
        {
            "unfinished argument list",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = , TargetVocabularySize = 7
            public partial class Model;
            """
        },
        {
            "positional argument the attribute has no constructor for",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(7, 7)]
            public partial class Model;
            """
        },
        {
            "unknown named argument and a non-constant value",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = System.Environment.ProcessorCount, Depth = 3)]
            public partial class Model;
            """
        },
        {
            "attribute applied twice",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 2)]
            [Seq2SeqModel(SourceVocabularySize = 8, TargetVocabularySize = 8, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 2)]
            public partial class Model;
            """
        },
        {
            "attribute on two partial declarations of one class, each a target of its own",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 2)]
            public partial class Model;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 2)]
            public partial class Model;
            """
        },
        {
            "class name missing",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 2)]
            public partial class { }
            """
        },
        {
            "attribute alone at the end of the file",
            """
            using StaticSeq2Seq;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 2)]
            """
        },
    };

    [Theory]
    [MemberData(nameof(BrokenDeclarations))]
    public async Task BrokenDeclaration_NeitherThrowsNorReportsAnInternalError(string description, string source)
    {
        var run = GeneratorHarness.Run(source);

        run.AssertGeneratorHealthy();
        Assert.True(run.Input.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error), $"'{description}' was meant to be a compiler error.");
        var analyzer = await GeneratorHarness.AnalyzeAsync(run.Output);
        Assert.DoesNotContain(analyzer, d => d.Id == "S2S9999");
    }

    /// <summary>The smallest model every argument allows, and the deepest: both compile cleanly.</summary>
    [Theory]
    [InlineData("SourceVocabularySize = 5, TargetVocabularySize = 5, EmbeddingSize = 1, HiddenSize = 1, Layers = 1, Cell = RecurrentCell.Rnn, MaxSourceLength = 1, MaxTargetLength = 1")]
    [InlineData("SourceVocabularySize = 5, TargetVocabularySize = 5, EmbeddingSize = 1, HiddenSize = 1, Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 1, MaxTargetLength = 1")]
    [InlineData("SourceVocabularySize = 5, TargetVocabularySize = 33, EmbeddingSize = 17, HiddenSize = 3, Layers = 8, Cell = RecurrentCell.Gru, MaxSourceLength = 2, MaxTargetLength = 2")]
    public void ExtremeShapes_CompileCleanly(string arguments)
    {
        var run = GeneratorHarness.Run($$"""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel({{arguments}})]
            partial class Model;
            """);

        run.AssertCompilesCleanly();
        Assert.Equal(6, run.Sources.Length);
    }

    /// <summary>
    /// SpecParser says a wrongly typed value "is already a compiler error; treating it as absent adds no second
    /// one", but the validator then reports the argument the user did write as missing (S2S0005).
    /// </summary>
    /// <remarks>
    /// Roslyn hands some rejected values over converted: <c>RecurrentCell.Lstm</c> given for an int arrives as 2 (which
    /// was then reported again as out of range, S2S0006) and the int 1 given for the cell as <c>Gru</c> (which was
    /// generated, alongside the compiler's error).
    /// </remarks>
    [Theory]
    [InlineData("SourceVocabularySize = \"seven\", TargetVocabularySize = 7", "CS0029")]
    [InlineData("SourceVocabularySize = RecurrentCell.Lstm, TargetVocabularySize = 7", "CS0266")]
    [InlineData("SourceVocabularySize = 7, TargetVocabularySize = 7, Cell = 1", "CS0266")]
    [InlineData("SourceVocabularySize = 7, TargetVocabularySize = 7, Cell = AttentionKind.LuongDot", "CS0266")]
    public async Task WronglyTypedArgument_IsReportedOnlyByTheCompiler(string arguments, string compilerError)
    {
        var run = GeneratorHarness.Run($$"""
            using StaticSeq2Seq;
            [Seq2SeqModel({{arguments}})]
            partial class Model;
            """);

        Assert.Contains(run.Output.GetDiagnostics(), d => d.Id == compilerError);
        Assert.Empty(run.Sources);
        var analyzer = await GeneratorHarness.AnalyzeAsync(run.Output);
        Assert.True(analyzer.IsEmpty, $"A value the compiler already rejects should not be reported again:\n{GeneratorHarness.Describe(analyzer)}");
    }

    /// <summary><c>[AttributeUsage(AttributeTargets.Class)]</c> admits a record class, which the analyzer finds valid.</summary>
    [Fact]
    public async Task RecordClass_IsGeneratedOrReported()
    {
        var run = GeneratorHarness.Run("""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6, MaxSourceLength = 4, MaxTargetLength = 4)]
            partial record Model;
            """);

        run.AssertGeneratorHealthy();
        var analyzer = await GeneratorHarness.AnalyzeAsync(run.Output);
        Assert.True(!run.Sources.IsEmpty || !analyzer.IsEmpty,
            "A valid [Seq2SeqModel] record class got neither generated code nor a diagnostic: the model silently does not exist.");
    }

    /// <summary>A verbatim identifier (<c>@event</c>) is a legal name; the generated code must spell it the same way.</summary>
    [Theory]
    [InlineData("Demo", "@event")]
    [InlineData("Demo", "@partial")] // a contextual keyword: generated as plain 'partial', it drew CS8981 in every generated file
    [InlineData("Demo", "@model")]
    [InlineData("Demo.@class", "Model")]
    public void KeywordNames_CompileCleanly(string ns, string className)
    {
        var run = GeneratorHarness.Run($$"""
            using StaticSeq2Seq;
            namespace {{ns}};
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6, MaxSourceLength = 4, MaxTargetLength = 4)]
            partial class {{className}};
            """);

        run.AssertCompilesCleanly();
    }

    /// <summary>
    /// A user type in the model's namespace that shares a name with a runtime type the generated code uses
    /// unqualified (ModelShape, ParameterLayout, AlignedBuffer, ...) must not change what that code binds to.
    /// </summary>
    [Fact]
    public void UserTypeNamedLikeARuntimeType_DoesNotBreakGeneratedCode()
    {
        var run = GeneratorHarness.Run("""
            using StaticSeq2Seq;
            namespace Demo;
            [Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 7, EmbeddingSize = 5, HiddenSize = 6, MaxSourceLength = 4, MaxTargetLength = 4)]
            partial class Model;
            sealed class ModelShape;
            """);

        run.AssertCompilesCleanly();
    }
}
