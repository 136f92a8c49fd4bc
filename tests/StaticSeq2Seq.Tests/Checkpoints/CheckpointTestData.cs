using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Tests.Numerics;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Checkpoints;

/// <summary>A folder of its own for each test, deleted afterwards.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder()
    {
        Path = Directory.CreateTempSubdirectory("staticseq2seq-checkpoints-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string[] Files() => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).ToArray()!;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

internal static class CheckpointTestData
{
    /// <summary>The test models of every cell, by name.</summary>
    public static readonly string[] ModelNames = [.. NumericsModels.Names, nameof(TinyLstm), nameof(TinyLstm2)];

    public static TheoryData<string> AllModels()
    {
        var data = new TheoryData<string>();
        foreach (var name in ModelNames)
        {
            data.Add(name);
        }
        return data;
    }

    /// <summary>The test model called <paramref name="name"/>, its parameters initialised from <paramref name="seed"/>.</summary>
    public static ISeq2SeqModel Model(string name, ulong seed)
    {
        var model = name switch
        {
            nameof(TinyLstm) => new TinyLstm(),
            nameof(TinyLstm2) => new TinyLstm2(),
            _ => NumericsModels.Create(name),
        };
        model.InitializeParameters(seed);
        return model;
    }

    /// <summary><paramref name="count"/> random pairs of random lengths over the ordinary ids of <paramref name="shape"/>'s vocabularies.</summary>
    public static SequencePair[] RandomPairs(ModelShape shape, int count, ulong seed) => Testing.RandomPairs.Create(shape, count, seed);

    /// <summary>A vocabulary of exactly <paramref name="size"/> tokens, some of them not ASCII.</summary>
    public static Vocabulary Vocabulary(int size, string prefix) =>
        StaticSeq2Seq.Data.Vocabulary.FromTokens(
            new[] { StaticSeq2Seq.Data.Vocabulary.PadToken, StaticSeq2Seq.Data.Vocabulary.SosToken, StaticSeq2Seq.Data.Vocabulary.EosToken, StaticSeq2Seq.Data.Vocabulary.UnkToken }
                .Concat(Enumerable.Range(0, size - SpecialTokens.Count).Select(i => i % 3 == 0 ? $"{prefix}été{i}" : $"{prefix}\"w{i}\"")));

    public static Func<int, IOptimizer> Optimizer(string kind) => kind switch
    {
        "Adam" => count => new Adam(count, learningRate: 0.01f),
        "AdamW" => count => new AdamW(count, learningRate: 0.01f, weightDecay: 0.05),
        "SGD" => count => new SgdMomentum(count, learningRate: 0.05f, momentum: 0.9, weightDecay: 0.001),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an optimizer the tests use."),
    };

    /// <summary>The optimizer's per-parameter state: Adam's two moments, or SGD's momentum buffer.</summary>
    public static float[][] OptimizerBuffers(IOptimizer optimizer) => optimizer switch
    {
        Adam adam => [adam.FirstMoments.ToArray(), adam.SecondMoments.ToArray()],
        SgdMomentum sgd => [sgd.MomentumBuffer.ToArray()],
        _ => throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, "Not an optimizer the tests use."),
    };

    /// <summary>The bit patterns of <paramref name="values"/>, so that equality means bit-for-bit (and -0 differs from 0).</summary>
    public static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }
        return bits;
    }

    public static TrainingOptions Options(string optimizer, int epochs) => new()
    {
        Epochs = epochs,
        BatchSize = 4,
        Seed = 17,
        ClipNorm = 1f,
        ProgressInterval = TimeSpan.Zero,
        MeasureSequenceAccuracy = false,
        CreateOptimizer = Optimizer(optimizer),
    };
}

/// <summary>A safetensors file taken apart, so a test can damage its header or data and write it back.</summary>
internal sealed class SafetensorsParts
{
    public required JsonObject Header { get; init; }

    public required byte[] Data { get; set; }

    public static SafetensorsParts Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return new SafetensorsParts
        {
            Header = JsonNode.Parse(bytes.AsSpan(8, length))!.AsObject(),
            Data = bytes[(8 + length)..],
        };
    }

    public JsonObject Tensor(string name) => Header[name]!.AsObject();

    public JsonObject Metadata => Header["__metadata__"]!.AsObject();

    /// <summary>The <c>staticseq2seq.trainer</c> metadata entry's JSON, parsed.</summary>
    public JsonObject TrainerEntry => JsonNode.Parse((string)Metadata["staticseq2seq.trainer"]!)!.AsObject();

    /// <summary>Rewrites the <c>staticseq2seq.trainer</c> metadata entry after <paramref name="edit"/> changed its JSON.</summary>
    public void EditTrainerEntry(Action<JsonObject> edit)
    {
        var entry = TrainerEntry;
        edit(entry);
        Metadata["staticseq2seq.trainer"] = entry.ToJsonString();
    }

    public void Write(string path) => WriteRaw(path, Header.ToJsonString(), Data);

    /// <summary>Writes the 8-byte length, <paramref name="header"/> as UTF-8 and <paramref name="data"/>, with no checks.</summary>
    public static void WriteRaw(string path, string header, byte[] data, ulong? declaredLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        File.WriteAllBytes(path, bytes);
    }
}
