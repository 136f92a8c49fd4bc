using BenchmarkDotNet.Attributes;
using StaticSeq2Seq;
using StaticSeq2Seq.Decoding;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Training;

namespace StaticSeq2Seq.Benchmarks;

/// <summary>
/// Greedy and beam decode, one teacher-forced forward and backward, and one trainer step (batch 32, Adam) of
/// configuration S, with allocations counted.
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
    private readonly BeamSearchOptions beamOptions = new() { BeamWidth = 4, LengthPenalty = 0.6f };
    private Seq2SeqWorkspace workspace = null!;
    private BeamSearchDecoder beam = null!;
    private Seq2SeqTrainer trainer = null!;
    private SequencePair[] batch = null!;

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
        if (model.DecodeGreedy(workspace, source, output) != ModelS.MaxTargetLength)
        {
            throw new InvalidOperationException("The untrained model emitted EOS early, so the decode would not run all 16 steps; pick another seed.");
        }
        beam = new BeamSearchDecoder(model, maxBeamWidth: 4);
        trainer = new Seq2SeqTrainer(model, new TrainingOptions { BatchSize = 32, Seed = 3 });
        batch = Enumerable.Range(0, 32).Select(_ => new SequencePair(source, target)).ToArray();
    }

    [Benchmark(Description = "S greedy decode (batch 1)")]
    public int GreedyDecode() => model.DecodeGreedy(workspace, source, output);

    [Benchmark(Description = "S beam decode, width 4 (batch 1)")]
    public int BeamDecode() => beam.Decode(workspace, source, beamOptions);

    [Benchmark(Description = "S trainer step (batch 32, Adam)")]
    public float TrainStep() => trainer.TrainStep(batch);

    [Benchmark(Description = "S forward + backward (one pair)")]
    public float ForwardBackward()
    {
        var loss = model.Forward(workspace, source, target);
        model.Backward(workspace, gradients, 1f);
        return loss;
    }
}
