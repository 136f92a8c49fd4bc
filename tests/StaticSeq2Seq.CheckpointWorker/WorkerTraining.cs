using StaticSeq2Seq.Data;
using StaticSeq2Seq.Testing;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Training;

namespace StaticSeq2Seq.CheckpointWorker;

/// <summary>The worker's model: small enough that a step and a save take about a millisecond each.</summary>
[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Cell = RecurrentCell.Gru, MaxSourceLength = 5, MaxTargetLength = 5)]
public partial class WorkerModel;

/// <summary>
/// The one deterministic training run the worker and the tests share (this file is compiled into both): the same
/// initial parameters, pairs and options, so any process that trains to step s holds the same parameters bit for bit.
/// </summary>
public static class WorkerTraining
{
    /// <summary>23 pairs in batches of 4: 6 steps an epoch, the last of 3 pairs.</summary>
    public const int StepsPerEpoch = 6;

    public const int Epochs = 400;

    public const long TotalSteps = (long)StepsPerEpoch * Epochs;

    private const ulong InitializationSeed = 5;

    public static WorkerModel CreateModel()
    {
        var model = new WorkerModel();
        model.InitializeParameters(InitializationSeed);
        return model;
    }

    public static TrainingOptions Options(int epochs) => new()
    {
        Epochs = epochs,
        BatchSize = 4,
        Seed = 17,
        ClipNorm = 1f,
        ProgressInterval = TimeSpan.Zero,
        MeasureSequenceAccuracy = false,
        CreateOptimizer = count => new Adam(count, learningRate: 0.01f),
    };

    public static SequencePair[] Pairs() => RandomPairs.Create(new WorkerModel().Shape, 23, seed: 3);

    /// <summary>
    /// Trains until <paramref name="trainer"/> has completed <paramref name="untilStep"/> steps in all (or its epochs end),
    /// calling <paramref name="afterStep"/> after each step with the steps completed so far.
    /// </summary>
    public static void Train(Seq2SeqTrainer trainer, IReadOnlyList<SequencePair> pairs, long untilStep, Action<long> afterStep)
    {
        if (trainer.StepsCompleted >= untilStep)
        {
            return;
        }
        using var stop = new CancellationTokenSource();
        try
        {
            trainer.Train(pairs, progress: new StepReports(trainer, step =>
            {
                afterStep(step);
                if (step >= untilStep)
                {
                    stop.Cancel();
                }
            }), cancellationToken: stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped between two steps, as asked: every completed step is kept.
        }
    }

    /// <summary>
    /// Passes on the trainer's total step count after each step, synchronously on the training thread (Progress&lt;T&gt;
    /// would post to the thread pool). A report's own Step counts this Train call's steps only, and an epoch's end
    /// reports its last step a second time.
    /// </summary>
    private sealed class StepReports(Seq2SeqTrainer trainer, Action<long> onStep) : IProgress<TrainingProgress>
    {
        private long lastStep;

        public void Report(TrainingProgress value)
        {
            if (value.Step > lastStep)
            {
                lastStep = value.Step;
                onStep(trainer.StepsCompleted);
            }
        }
    }
}
