using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticSeq2Seq.Generators;

namespace StaticSeq2Seq.Benchmarks.Peers;

/// <summary>What the generator costs a build of configuration M: the time of one cold run and the source it adds.</summary>
public sealed record GeneratorCostResult(double MedianSeconds, long GeneratedCharacters, int GeneratedLines, int GeneratedFiles);

/// <summary>Runs the generator over configuration M's declaration with a fresh driver each time, as a clean build does.</summary>
public static class GeneratorCost
{
    private const string ModelM = """
        using StaticSeq2Seq;
        namespace Bench;
        [Seq2SeqModel(SourceVocabularySize = 2000, TargetVocabularySize = 2000, EmbeddingSize = 128, HiddenSize = 256,
                      Layers = 1, Cell = RecurrentCell.Gru, Attention = AttentionKind.Bahdanau,
                      MaxSourceLength = 20, MaxTargetLength = 20)]
        public partial class ModelM;
        """;

    /// <summary>The median over <paramref name="runs"/> runs, after two runs that load and JIT the generator.</summary>
    public static GeneratorCostResult Measure(int runs)
    {
        var references = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(Seq2SeqModelAttribute).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray();
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var compilation = CSharpCompilation.Create(
            "GeneratorCost",
            [CSharpSyntaxTree.ParseText(ModelM, parseOptions)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var seconds = new List<double>();
        GeneratorDriverRunResult? result = null;
        for (var run = 0; run < runs + 2; run++)
        {
            var driver = CSharpGeneratorDriver.Create([new Seq2SeqGenerator().AsSourceGenerator()], parseOptions: parseOptions);
            var stopwatch = Stopwatch.StartNew();
            result = driver.RunGenerators(compilation).GetRunResult();
            if (run >= 2)
            {
                seconds.Add(stopwatch.Elapsed.TotalSeconds);
            }
        }
        var sources = result!.Results.Single().GeneratedSources;
        if (sources.IsEmpty)
        {
            throw new InvalidOperationException("The generator emitted nothing for configuration M: " + string.Join("; ", result.Diagnostics));
        }
        seconds.Sort();
        var texts = sources.Select(s => s.SourceText.ToString()).ToArray();
        return new GeneratorCostResult(
            seconds[seconds.Count / 2],
            texts.Sum(t => (long)t.Length),
            texts.Sum(t => t.Split('\n').Length),
            texts.Length);
    }
}
