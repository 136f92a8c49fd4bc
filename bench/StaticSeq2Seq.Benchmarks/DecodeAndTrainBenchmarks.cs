using BenchmarkDotNet.Attributes;
using StaticSeq2Seq;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Decoding;
using StaticSeq2Seq.Training;

namespace StaticSeq2Seq.Benchmarks;

/// <summary>
/// Greedy decode (with float, bfloat16 and int8 decode weights, and int8 weights with int8 activations) and beam decode of one source at batch 1 and one trainer step (32 pairs, teacher forcing, Adam) for each
/// configuration, with allocations counted. Every decode runs the full target length: the setup checks that the
/// untrained model emits no EOS before it (greedy), and the beam search may not end a hypothesis earlier.
/// </summary>
[MemoryDiagnoser]
public class DecodeAndTrainBenchmarks
{
    private Configuration configuration = null!;
    private ISeq2SeqModel model = null!;
    private int[] output = null!;
    private float[] gradients = null!;
    private BeamSearchOptions beamOptions = null!;
    private Seq2SeqWorkspace workspace = null!;
    private ISeq2SeqModel bfloat16Model = null!;
    private Seq2SeqWorkspace bfloat16Workspace = null!;
    private ISeq2SeqModel int8Model = null!;
    private Seq2SeqWorkspace int8Workspace = null!;
    private ISeq2SeqModel int8DynamicModel = null!;
    private Seq2SeqWorkspace int8DynamicWorkspace = null!;
    private BeamSearchDecoder beam = null!;
    private Seq2SeqTrainer trainer = null!;
    private SequencePair[] batch = null!;

    /// <summary>The configuration: S or M.</summary>
    [Params("S", "M")]
    public string Config { get; set; } = "S";

    [GlobalSetup]
    public void Setup()
    {
        configuration = Configuration.Create(Config);
        model = configuration.Model;
        workspace = model.CreateWorkspace();
        output = new int[model.Shape.MaxTargetLength];
        gradients = new float[model.Parameters.Length];
        if (model.DecodeGreedy(workspace, configuration.Source, output) != model.Shape.MaxTargetLength)
        {
            throw new InvalidOperationException("The untrained model emitted EOS early, so the decode would not run every step; pick another seed.");
        }
        bfloat16Model = configuration.BFloat16Model;
        bfloat16Workspace = bfloat16Model.CreateWorkspace();
        if (bfloat16Model.DecodeGreedy(bfloat16Workspace, configuration.Source, output) != model.Shape.MaxTargetLength)
        {
            throw new InvalidOperationException("The untrained model with bfloat16 decode weights emitted EOS early, so the decode would not run every step; pick another seed.");
        }
        int8Model = configuration.Int8Model;
        int8Workspace = int8Model.CreateWorkspace();
        if (int8Model.DecodeGreedy(int8Workspace, configuration.Source, output) != model.Shape.MaxTargetLength)
        {
            throw new InvalidOperationException("The untrained model with int8 decode weights emitted EOS early, so the decode would not run every step; pick another seed.");
        }
        int8DynamicModel = configuration.Int8DynamicModel;
        int8DynamicWorkspace = int8DynamicModel.CreateWorkspace();
        if (int8DynamicModel.DecodeGreedy(int8DynamicWorkspace, configuration.Source, output) != model.Shape.MaxTargetLength)
        {
            throw new InvalidOperationException("The untrained model with int8 weights and activations emitted EOS early, so the decode would not run every step; pick another seed.");
        }
        var length = model.Shape.MaxTargetLength;
        beamOptions = new BeamSearchOptions { BeamWidth = WorkCount.BeamWidth, MinLength = length, MaxLength = length };
        beam = new BeamSearchDecoder(model, maxBeamWidth: WorkCount.BeamWidth);
        trainer = new Seq2SeqTrainer(model, new TrainingOptions { BatchSize = 32, Seed = 3 });
        batch = Enumerable.Range(0, 32).Select(_ => new SequencePair(configuration.Source, configuration.Target)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => trainer.Dispose();

    [Benchmark(Description = "greedy decode (batch 1)")]
    public int GreedyDecode() => model.DecodeGreedy(workspace, configuration.Source, output);

    [Benchmark(Description = "greedy decode, bfloat16 weights (batch 1)")]
    public int GreedyDecodeBFloat16() => bfloat16Model.DecodeGreedy(bfloat16Workspace, configuration.Source, output);

    [Benchmark(Description = "greedy decode, int8 weights (batch 1)")]
    public int GreedyDecodeInt8() => int8Model.DecodeGreedy(int8Workspace, configuration.Source, output);

    [Benchmark(Description = "greedy decode, int8 weights and activations (batch 1)")]
    public int GreedyDecodeInt8Dynamic() => int8DynamicModel.DecodeGreedy(int8DynamicWorkspace, configuration.Source, output);

    [Benchmark(Description = "beam decode, width 4 (batch 1)")]
    public int BeamDecode() => beam.Decode(workspace, configuration.Source, beamOptions);

    [Benchmark(Description = "trainer step (batch 32, Adam)")]
    public float TrainStep() => trainer.TrainStep(batch);

    [Benchmark(Description = "forward + backward (one pair)")]
    public float ForwardBackward()
    {
        var loss = model.Forward(workspace, configuration.Source, configuration.Target);
        model.Backward(workspace, gradients, 1f);
        return loss;
    }
}
