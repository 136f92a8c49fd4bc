using BenchmarkDotNet.Attributes;
using StaticSeq2Seq;

namespace StaticSeq2Seq.Benchmarks;

/// <summary>
/// Greedy decode and one teacher-forced forward and backward of configuration S, with allocations counted.
/// The decode runs the full 16 steps: an untrained model with a fixed seed rarely emits EOS early, and the
/// benchmark checks that in its setup.
/// </summary>
[MemoryDiagnoser]
public class DecodeAndTrainBenchmarks
{
    private readonly ModelS model = new();
    private readonly int[] source = new int[16];
    private readonly int[] target = new int[16];
    private readonly int[] output = new int[ModelS.MaxTargetLength];
    private readonly float[] gradients = new float[ModelS.ParameterCount];
    private Seq2SeqWorkspace workspace = null!;

    [GlobalSetup]
    public void Setup()
    {
        model.InitializeParameters(seed: 7);
        workspace = model.CreateWorkspace();
        var random = new SeededRandom(11);
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = SpecialTokens.Count + random.NextInt(ModelS.SourceVocabularySize - SpecialTokens.Count);
            target[i] = SpecialTokens.Count + random.NextInt(ModelS.TargetVocabularySize - SpecialTokens.Count);
        }
    }

    [Benchmark(Description = "S greedy decode (batch 1)")]
    public int GreedyDecode() => model.DecodeGreedy(workspace, source, output);

    [Benchmark(Description = "S forward + backward (one pair)")]
    public float ForwardBackward()
    {
        var loss = model.Forward(workspace, source, target);
        model.Backward(workspace, gradients, 1f);
        return loss;
    }
}
