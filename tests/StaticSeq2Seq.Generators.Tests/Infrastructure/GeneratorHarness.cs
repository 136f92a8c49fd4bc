using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using StaticSeq2Seq.Generators.Diagnostics;

namespace StaticSeq2Seq.Generators.Tests.Infrastructure;

/// <summary>
/// Compiles user source against the runtime and the framework, then runs the real <see cref="Seq2SeqGenerator"/>
/// through <see cref="CSharpGeneratorDriver"/> (with step tracking, for the incrementality tests) and the real
/// <see cref="Seq2SeqModelAnalyzer"/> through <see cref="CompilationWithAnalyzers"/>.
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>
    /// As strict as a user's project can be: the newest language, nullable on, every warning wave, and XML
    /// documentation parsed so a malformed <c>&lt;see cref&gt;</c> in the emitted code is a warning here.
    /// </summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        warningLevel: 9999,
        deterministic: true);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>
    /// Every assembly the test host runs on (the shared framework plus the test's own dependencies,
    /// System.Numerics.Tensors among them) and the runtime library that declares the attribute.
    /// </summary>
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(Seq2SeqModelAttribute).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        return [.. paths.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }

    /// <summary>
    /// A compilation with the references and no source. Compilations derived from it share its bound references,
    /// which makes each new one cheap; one created from scratch binds every referenced assembly again.
    /// </summary>
    private static readonly Lazy<CSharpCompilation> Empty = new(() =>
        CSharpCompilation.Create("UserAssembly", [], References.Value, CompilationOptions));

    /// <summary>One syntax tree per source, named <c>Source0.cs</c>, <c>Source1.cs</c>, ... so locations are easy to read.</summary>
    public static CSharpCompilation Compile([StringSyntax("C#")] params string[] sources) =>
        Empty.Value.AddSyntaxTrees(sources.Select((source, i) => Parse(source, $"Source{i}.cs")));

    public static SyntaxTree Parse([StringSyntax("C#")] string source, string path = "Extra.cs") =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    public static GeneratorRun Run([StringSyntax("C#")] params string[] sources) => Run(Compile(sources));

    /// <summary>
    /// Runs the generator over <paramref name="input"/>. Pass the <see cref="GeneratorRun.Driver"/> of an
    /// earlier run to run incrementally: its step results are then compared with that run's.
    /// </summary>
    public static GeneratorRun Run(CSharpCompilation input, GeneratorDriver? previous = null)
    {
        var driver = previous ?? CSharpGeneratorDriver.Create(
            [new Seq2SeqGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        return new GeneratorRun(input, output, driver, driver.GetRunResult(), diagnostics);
    }

    /// <summary>The analyzer's diagnostics, sorted by position. An exception in the analyzer fails the test.</summary>
    public static Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation) => AnalyzeAsync(compilation, withCompilerDiagnostics: false);

    /// <summary>
    /// The compiler's and the analyzer's diagnostics from one pass over <paramref name="compilation"/> (the analyzer
    /// drives a full compilation anyway, so asking for both costs no second one). An analyzer exception fails the test.
    /// </summary>
    public static Task<ImmutableArray<Diagnostic>> CompileAndAnalyzeAsync(Compilation compilation) => AnalyzeAsync(compilation, withCompilerDiagnostics: true);

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, bool withCompilerDiagnostics)
    {
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, _, _) => { lock (exceptions) { exceptions.Add(exception); } },
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var analyzed = compilation.WithAnalyzers([new Seq2SeqModelAnalyzer()], options);
        var diagnostics = withCompilerDiagnostics ? await analyzed.GetAllDiagnosticsAsync() : await analyzed.GetAnalyzerDiagnosticsAsync();
        Assert.True(exceptions.Count == 0, $"The analyzer threw: {string.Join("\n", exceptions)}");
        return [.. diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)];
    }

    /// <summary>Renders diagnostics one per line, for assertion messages; the first ten, as the rest usually follow from them.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics)
    {
        const int Shown = 10;
        var all = diagnostics.ToList();
        var lines = all.Take(Shown).Select(d => $"  {d}").ToList();
        if (all.Count > Shown)
        {
            lines.Add($"  ... and {all.Count - Shown} more");
        }
        return lines.Count == 0 ? "  (none)" : string.Join("\n", lines);
    }
}

/// <summary>One run of the generator: its input and output compilations, and the driver that holds its cached state.</summary>
internal sealed record GeneratorRun(
    CSharpCompilation Input,
    Compilation Output,
    GeneratorDriver Driver,
    GeneratorDriverRunResult Result,
    ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    /// <summary>The run of <see cref="Seq2SeqGenerator"/>, the only generator the driver holds.</summary>
    public GeneratorRunResult Generator => Assert.Single(Result.Results);

    public ImmutableArray<GeneratedSourceResult> Sources => Generator.GeneratedSources;

    /// <summary>Errors and warnings of the compilation with the generated source added (hidden and info diagnostics left out).</summary>
    public ImmutableArray<Diagnostic> CompilerProblems =>
        [.. Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];

    /// <summary>
    /// Asserts the generator neither threw (the driver's CS8785 warning) nor caught a bug of its own (S2S9999).
    /// Both are reported by the driver, so this does not compile the generated code.
    /// </summary>
    public void AssertGeneratorHealthy()
    {
        Assert.True(Generator.Exception is null, $"The generator threw: {Generator.Exception}");
        var problems = GeneratorDiagnostics.Where(d => d.Id is "CS8785" or "S2S9999").ToList();
        Assert.True(problems.Count == 0, $"The generator failed:\n{GeneratorHarness.Describe(problems)}");
    }

    /// <summary>Asserts the user's code plus the generated code compiles with no error and no warning.</summary>
    public void AssertCompilesCleanly()
    {
        AssertGeneratorHealthy();
        Assert.True(GeneratorDiagnostics.IsEmpty, $"The generator reported:\n{GeneratorHarness.Describe(GeneratorDiagnostics)}");
        Assert.True(CompilerProblems.IsEmpty, $"The generated compilation has errors or warnings:\n{GeneratorHarness.Describe(CompilerProblems)}");
    }
}
