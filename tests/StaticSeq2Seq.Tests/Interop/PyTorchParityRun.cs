using System.Text.Json;
using System.Runtime.CompilerServices;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Tests.Bidirectional;
using StaticSeq2Seq.Tests.Models;

namespace StaticSeq2Seq.Tests.Interop;

/// <summary>
/// Runs pytorch_parity.py (next to this file) once for every case of <see cref="PyTorchParityTests"/>, on first use:
/// each model's weights initialised here and saved, and a checkpoint of the same shape that PyTorch initialises and
/// saves; PyTorch computes losses, logits and greedy decodes from both files.
/// </summary>
public sealed class PyTorchParityRun : IDisposable
{
    public const string CSharpToPyTorch = "csharp-to-pytorch";
    public const string PyTorchToCSharp = "pytorch-to-csharp";

    /// <summary>
    /// Every cell with every attention kind, one and two layers, and the wide models whose kernels run their blocked
    /// paths; then the bidirectional test models, every cell with one and two layers and each attention kind.
    /// </summary>
    public static readonly string[] ModelNames =
    [
        nameof(TinyRnn2), nameof(LuongDotRnn), nameof(LuongGeneralRnn), nameof(BahdanauRnn2),
        nameof(TinyGru), nameof(LuongDotGru), nameof(LuongGeneralGru2), nameof(BahdanauGru), nameof(WideBahdanauGru2),
        nameof(TinyLstm2), nameof(LuongDotLstm2), nameof(WideLuongGeneralLstm), nameof(BahdanauLstm2),
        .. BidirectionalModels.Names,
    ];

    private readonly string folder = Directory.CreateTempSubdirectory("staticseq2seq-interop-").FullName;
    private readonly Dictionary<string, ISeq2SeqModel> csharpModels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(int[] Source, int[] Target)>> pairs = new(StringComparer.Ordinal);
    private readonly Lazy<(string TorchVersion, Dictionary<string, ParityResult> Results)> results;

    public PyTorchParityRun()
    {
        results = new(Execute);
    }

    public string TorchVersion => results.Value.TorchVersion;

    public static ISeq2SeqModel Create(string name) => name switch
    {
        nameof(TinyRnn2) => new TinyRnn2(),
        nameof(LuongDotRnn) => new LuongDotRnn(),
        nameof(LuongGeneralRnn) => new LuongGeneralRnn(),
        nameof(BahdanauRnn2) => new BahdanauRnn2(),
        nameof(TinyGru) => new TinyGru(),
        nameof(LuongDotGru) => new LuongDotGru(),
        nameof(LuongGeneralGru2) => new LuongGeneralGru2(),
        nameof(BahdanauGru) => new BahdanauGru(),
        nameof(WideBahdanauGru2) => new WideBahdanauGru2(),
        nameof(TinyLstm2) => new TinyLstm2(),
        nameof(LuongDotLstm2) => new LuongDotLstm2(),
        nameof(WideLuongGeneralLstm) => new WideLuongGeneralLstm(),
        nameof(BahdanauLstm2) => new BahdanauLstm2(),
        _ => BidirectionalModels.Create(name, seed: 0),
    };

    /// <summary>The source vocabulary both sides save with the weights: placeholder words for the shape's size.</summary>
    public static Vocabulary SourceVocabulary(ModelShape shape) => Vocabulary.FromTokens(
        [Vocabulary.PadToken, Vocabulary.SosToken, Vocabulary.EosToken, Vocabulary.UnkToken,
         .. Enumerable.Range(SpecialTokens.Count, shape.SourceVocabularySize - SpecialTokens.Count).Select(id => $"w{id}")]);

    /// <summary>The model whose weights this library initialised and saved for PyTorch.</summary>
    public ISeq2SeqModel CSharpModel(string name)
    {
        _ = results.Value;
        return csharpModels[name];
    }

    public IReadOnlyList<(int[] Source, int[] Target)> Pairs(string name)
    {
        _ = results.Value;
        return pairs[name];
    }

    public string PyTorchCheckpoint(string name)
    {
        _ = results.Value;
        return Path.Combine(folder, $"{PyTorchToCSharp}-{name}.safetensors");
    }

    public ParityResult Result(string direction, string name) => results.Value.Results[$"{direction}/{name}"];

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private (string, Dictionary<string, ParityResult>) Execute()
    {
        var job = new List<object>();
        for (var m = 0; m < ModelNames.Length; m++)
        {
            var name = ModelNames[m];
            var model = Create(name);
            model.InitializeParameters(seed: 17 + (ulong)m);
            csharpModels[name] = model;
            pairs[name] = Inputs(model.Shape, seed: 5 + m);
            var saved = Path.Combine(folder, $"{CSharpToPyTorch}-{name}.safetensors");
            Checkpoint.Save(saved, model, SourceVocabulary(model.Shape));
            var jobPairs = pairs[name].Select(p => new[] { p.Source, p.Target }).ToArray();
            job.Add(new { name = $"{CSharpToPyTorch}/{name}", checkpoint = saved, pairs = jobPairs });
            // PyTorch makes a model of the shape this library wrote, from its own initialisation.
            job.Add(new
            {
                name = $"{PyTorchToCSharp}/{name}",
                checkpoint = Path.Combine(folder, $"{PyTorchToCSharp}-{name}.safetensors"),
                create = new { shape_of = saved, seed = 1000 + m, source_vocabulary = SourceVocabulary(model.Shape).Tokens },
                pairs = jobPairs,
            });
        }
        var jobPath = Path.Combine(folder, "job.json");
        var resultsPath = Path.Combine(folder, "results.json");
        File.WriteAllText(jobPath, JsonSerializer.Serialize(job));
        PyTorch.Run(ScriptPath(), jobPath, resultsPath);

        using var document = JsonDocument.Parse(File.ReadAllText(resultsPath));
        var root = document.RootElement;
        var parsed = new Dictionary<string, ParityResult>(StringComparer.Ordinal);
        foreach (var entry in root.GetProperty("cases").EnumerateObject())
        {
            parsed[entry.Name] = ParityResult.Parse(entry.Value);
        }
        return (root.GetProperty("torch").GetString()!, parsed);
    }

    /// <summary>The corners (one source token; the longest source and target) and random lengths between, in ordinary ids.</summary>
    private static List<(int[] Source, int[] Target)> Inputs(ModelShape shape, int seed)
    {
        var random = new Random(seed);
        int[] Tokens(int length, int vocabulary) =>
            Enumerable.Range(0, length).Select(_ => random.Next(SpecialTokens.Count, vocabulary)).ToArray();
        int maxS = shape.MaxSourceLength, maxT = shape.MaxTargetLength, vs = shape.SourceVocabularySize, vt = shape.TargetVocabularySize;
        var inputs = new List<(int[], int[])> { (Tokens(1, vs), Tokens(1, vt)), (Tokens(maxS, vs), Tokens(maxT, vt)) };
        for (var i = 0; i < 4; i++)
        {
            inputs.Add((Tokens(random.Next(1, maxS + 1), vs), Tokens(random.Next(1, maxT + 1), vt)));
        }
        return inputs;
    }

    private static string ScriptPath([CallerFilePath] string testFile = "") =>
        Path.Combine(Path.GetDirectoryName(testFile)!, "pytorch_parity.py");
}

/// <summary>What PyTorch computed for one case, per pair: loss, teacher-forced logits (step, token), greedy tokens and logits.</summary>
public sealed record ParityResult(
    IReadOnlyList<string>? SourceVocabulary, double[] Losses, double[][][] Logits, int[][] Greedy, double[][][] GreedyLogits)
{
    public static ParityResult Parse(JsonElement element)
    {
        static double[][][] Steps(JsonElement e) =>
            e.EnumerateArray().Select(pair => pair.EnumerateArray().Select(step => step.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray()).ToArray();
        var vocabulary = element.GetProperty("source_vocabulary");
        return new ParityResult(
            vocabulary.ValueKind == JsonValueKind.Null ? null : vocabulary.EnumerateArray().Select(t => t.GetString()!).ToArray(),
            element.GetProperty("losses").EnumerateArray().Select(l => l.GetDouble()).ToArray(),
            Steps(element.GetProperty("logits")),
            element.GetProperty("greedy").EnumerateArray().Select(d => d.EnumerateArray().Select(t => t.GetInt32()).ToArray()).ToArray(),
            Steps(element.GetProperty("greedy_logits")));
    }
}
