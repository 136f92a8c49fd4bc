using BenchmarkDotNet.Attributes;

namespace StaticSeq2Seq.Benchmarks.Peers;

/// <summary>ONNX Runtime's greedy decode of the same source as <see cref="DecodeAndTrainBenchmarks"/>, with allocations counted.</summary>
[MemoryDiagnoser]
public class OnnxDecodeBenchmarks
{
    private Configuration configuration = null!;
    private OnnxGreedyDecoder decoder = null!;
    private int[] output = null!;

    /// <summary>Where <see cref="TorchPeer"/> exported each configuration's graphs (one folder per configuration).</summary>
    public static string ModelDirectory { get; set; } = "";

    /// <summary>The configuration: S or M.</summary>
    [Params("S", "M")]
    public string Config { get; set; } = "S";

    [GlobalSetup]
    public void Setup()
    {
        configuration = Configuration.Create(Config);
        decoder = new OnnxGreedyDecoder(Path.Combine(ModelDirectory, Config), configuration.Model.Shape);
        output = new int[decoder.TargetLength];
    }

    [GlobalCleanup]
    public void Cleanup() => decoder.Dispose();

    [Benchmark(Description = "ONNX Runtime greedy decode (batch 1)")]
    public int GreedyDecode()
    {
        decoder.Decode(configuration.Source, output);
        return output[^1];
    }
}
