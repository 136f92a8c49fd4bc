using BenchmarkDotNet.Attributes;
using StaticSeq2Seq;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Training;

namespace StaticSeq2Seq.Benchmarks;

/// <summary>
/// One trainer step (batch 32 of full-length pairs, Adam) of configurations S and M on 1 and 2 threads
/// (<see cref="TrainingOptions.Threads"/>), in the same run so the two are measured under the same load. The time is
/// per pair (32 operations per invocation), so pairs per second is 1 s over the mean; the ratio of the two means is
/// the speed-up of the second thread.
/// </summary>
[MemoryDiagnoser]
public class DataParallelTrainingBenchmarks
{
    private const int BatchSize = 32;

    private ISeq2SeqModel model = null!;
    private Seq2SeqTrainer trainer = null!;
    private SequencePair[] batch = null!;

    /// <summary>The configuration: S or M.</summary>
    [Params("S", "M")]
    public string Config { get; set; } = "S";

    /// <summary>The trainer's thread count.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        model = Config == "M" ? new ModelM() : new ModelS();
        model.InitializeParameters(seed: 7);
        var shape = model.Shape;
        var random = new SeededRandom(13);
        batch = new SequencePair[BatchSize];
        for (var p = 0; p < batch.Length; p++)
        {
            var source = new int[shape.MaxSourceLength];
            var target = new int[shape.MaxTargetLength];
            for (var i = 0; i < source.Length; i++)
            {
                source[i] = SpecialTokens.Count + random.NextInt(shape.SourceVocabularySize - SpecialTokens.Count);
                target[i] = SpecialTokens.Count + random.NextInt(shape.TargetVocabularySize - SpecialTokens.Count);
            }
            batch[p] = new SequencePair(source, target);
        }
        trainer = new Seq2SeqTrainer(model, new TrainingOptions { BatchSize = BatchSize, Seed = 3, Threads = Threads });
    }

    [GlobalCleanup]
    public void Cleanup() => trainer.Dispose();

    [Benchmark(Description = "trainer step, batch 32 (time per pair)", OperationsPerInvoke = BatchSize)]
    public float TrainStep() => trainer.TrainStep(batch);
}
