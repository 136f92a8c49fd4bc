using System.Diagnostics;
using CsCheck;
using Microsoft.CodeAnalysis;
using StaticSeq2Seq.Generators.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Generators.Tests.Properties;

/// <summary>
/// The generator never breaks a build: thousands of random declarations (<see cref="DeclarationGen"/>) through the real
/// generator (<see cref="GeneratorHarness.Run(string[])"/>) and analyzer, judged by <see cref="DeclarationOracle"/>,
/// which knows the README's rules and C#'s errors but not the generator's code. On a failure CsCheck shrinks the
/// declaration and prints it with the seed that reproduces it.
/// </summary>
public sealed class GeneratorPropertyTests(ITestOutputHelper output)
{
    private const int Cases = 2500;

    [Fact]
    public void RandomDeclarations_AreGeneratedOrReportedAndNeverCrash()
    {
        var counts = new int[Enum.GetValues<Verdict>().Length];
        var clock = Stopwatch.StartNew();

        DeclarationGen.Declarations.Sample(declaration =>
        {
            var expectation = DeclarationOracle.Decide(declaration);
            var outcome = Check(declaration, expectation);
            Interlocked.Increment(ref counts[(int)outcome]);
        }, iter: Cases, print: declaration => $"\n{declaration.Render()}\nexpected: {DeclarationOracle.Decide(declaration)}");

        output.WriteLine($"{Cases} declarations in {clock.Elapsed.TotalSeconds:F1} s: " +
            $"{counts[(int)Verdict.Valid]} generated, {counts[(int)Verdict.Invalid]} reported, {counts[(int)Verdict.ValidOrTooLarge]} reported as too large");
        // Both main outcomes are common enough that a change to the generators cannot silently stop exercising one.
        Assert.True(counts[(int)Verdict.Valid] >= Cases / 5, "Too few declarations were generated.");
        Assert.True(counts[(int)Verdict.Invalid] >= Cases / 5, "Too few declarations were reported.");
    }

    /// <summary>Runs one declaration and asserts every property; returns what became of it.</summary>
    private static Verdict Check(Declaration declaration, Expectation expectation)
    {
        var run = GeneratorHarness.Run(declaration.Render());
        run.AssertGeneratorHealthy();
        // One pass gives the compiler's diagnostics and the analyzer's. (Binding the generated bodies is most of a
        // case's time, so the output is compiled once.)
        var all = GeneratorHarness.CompileAndAnalyzeAsync(run.Output).GetAwaiter().GetResult();
        Assert.DoesNotContain(all, d => d.Id is "S2S9999" or "AD0001");
        var analyzer = all.Where(d => d.Id.StartsWith("S2S", StringComparison.Ordinal)).ToList();
        var analyzerIds = analyzer.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var generatedTrees = run.Sources.Select(s => s.SyntaxTree).ToHashSet();
        var compiler = all.Where(d => !d.Id.StartsWith("S2S", StringComparison.Ordinal)).ToList();
        var compilerErrors = compiler
            .Where(d => d.Severity == DiagnosticSeverity.Error && !(d.Location.SourceTree is { } tree && generatedTrees.Contains(tree))).ToList();

        // When the user's code compiles, the generated code adds no error or warning of its own. (When it does not, as
        // with a private class in a namespace, follow-on errors in the generated code may join the compiler's first one.)
        var generatedProblems = compiler
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree)).ToList();
        Assert.True(compilerErrors.Count > 0 || generatedProblems.Count == 0, $"The generated code has errors or warnings:\n{GeneratorHarness.Describe(generatedProblems)}");

        if (!expectation.AnyAnalyzerIdAllowed)
        {
            var allowed = expectation.AllowedAnalyzerIds.ToHashSet(StringComparer.Ordinal);
            var unexpected = analyzer.Where(d => !allowed.Contains(d.Id)).ToList();
            Assert.True(unexpected.Count == 0, $"The analyzer reported what is not wrong:\n{GeneratorHarness.Describe(unexpected)}");
        }

        var verdict = expectation.Verdict;
        if (verdict == Verdict.ValidOrTooLarge)
        {
            verdict = analyzerIds.Contains("S2S0008") ? Verdict.Invalid : Verdict.Valid;
        }
        if (verdict == Verdict.Invalid)
        {
            var reported = analyzerIds.Concat(compilerErrors.Select(d => d.Id)).ToHashSet(StringComparer.Ordinal);
            Assert.True(expectation.Verdict == Verdict.ValidOrTooLarge || expectation.Defects.Any(defect => defect.Ids.Any(reported.Contains)),
                $"No defect was reported.\nexpected one of: {string.Join("; ", expectation.Defects)}\n" +
                $"analyzer:\n{GeneratorHarness.Describe(analyzer)}\ncompiler:\n{GeneratorHarness.Describe(compilerErrors)}");
            if (compilerErrors.Count == 0)
            {
                // A declaration only the analyzer rejects emits nothing, so the analyzer's diagnostic is all the user sees.
                Assert.Equal(declaration.SecondModel ? 6 : 0, run.Sources.Length);
            }
            return expectation.Verdict;
        }

        Assert.True(analyzer.Count == 0, $"A valid declaration was reported:\n{GeneratorHarness.Describe(analyzer)}");
        var errors = compiler.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"A valid declaration does not compile:\n{GeneratorHarness.Describe(errors)}");
        var attention = declaration.Arguments.FirstOrDefault(a => a.Name == "Attention")?.Value ?? 0;
        var decodeWeights = declaration.Arguments.FirstOrDefault(a => a.Name == "DecodeWeights")?.Value ?? 0;
        var expectedFiles = 6 + (attention == 0 ? 0 : 1) + (decodeWeights == 0 ? 0 : 1) + (declaration.SecondModel ? 6 : 0);
        Assert.Equal(expectedFiles, run.Sources.Length);
        var typeName = declaration.Namespace.Name is { } ns ? $"{MetadataName(ns)}.{MetadataName(declaration.ClassName)}" : MetadataName(declaration.ClassName);
        var model = run.Output.GetTypeByMetadataName(typeName);
        Assert.True(model is not null, $"The model type {typeName} is missing.");
        Assert.Contains(model.AllInterfaces, i => i.ToDisplayString() == "StaticSeq2Seq.ISeq2SeqModel");
        return expectation.Verdict;
    }

    private static string MetadataName(string name) => name.Replace("@", "", StringComparison.Ordinal);
}
