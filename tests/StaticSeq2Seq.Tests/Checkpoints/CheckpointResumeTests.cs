using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Tests.Training;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Checkpoints;

/// <summary>
/// Training resumed from a checkpoint continues exactly as the run that saved it: same parameters, optimizer state
/// and counters, bit for bit. The resumed half runs in the same process but on a new object graph (a new model,
/// trainer, optimizer and workspace, given nothing but the file).
/// </summary>
public sealed class CheckpointResumeTests : IDisposable
{
    // 23 pairs in batches of 4 make 6 steps an epoch, the last of 3 pairs: 18 steps in 3 epochs.
    private const int PairCount = 23;
    private const int Epochs = 3;
    private const int StepsPerEpoch = 6;

    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(nameof(TinyGru), "Adam", 9)] // inside epoch 2: the resumed run finishes it, then crosses into epoch 3
    [InlineData(nameof(TinyGru), "Adam", 6)] // at the end of epoch 1
    [InlineData(nameof(TinyGru), "AdamW", 14)] // inside epoch 3
    [InlineData(nameof(TinyRnn2), "SGD", 1)] // after the first step, which starts SGD's momentum buffer
    [InlineData(nameof(TinyRnn2), "SGD", 12)] // at the end of epoch 2
    [InlineData(nameof(WideGru), "Adam", 4)]
    [InlineData(nameof(WideGru), "SGD", 11)]
    [InlineData(nameof(TinyLstm2), "Adam", 9)]
    public void Training_resumed_from_a_checkpoint_matches_the_uninterrupted_run_bit_for_bit(string modelName, string optimizer, int saveAtStep)
    {
        var shape = CheckpointTestData.Model(modelName, seed: 0).Shape;
        var pairs = CheckpointTestData.RandomPairs(shape, PairCount, seed: 3);
        var options = CheckpointTestData.Options(optimizer, Epochs);

        var uninterrupted = CheckpointTestData.Model(modelName, seed: 5);
        var uninterruptedTrainer = new Seq2SeqTrainer(uninterrupted, options);
        uninterruptedTrainer.Train(pairs);

        // The same run again, saving from the progress report of one step (the report of an epoch's last step is the epoch's end).
        var path = folder.File("run.safetensors");
        var saving = CheckpointTestData.Model(modelName, seed: 5);
        var savingTrainer = new Seq2SeqTrainer(saving, options);
        savingTrainer.Train(pairs, progress: new RecordingProgress(report =>
        {
            if (report.Step == saveAtStep)
            {
                Checkpoint.Save(path, saving, trainer: savingTrainer);
            }
        }));

        var saved = Checkpoint.ReadInfo(path).Training!;
        Assert.Equal(saveAtStep, saved.StepsCompleted);
        Assert.Equal((saveAtStep - 1) / StepsPerEpoch + (saveAtStep % StepsPerEpoch == 0 ? 1 : 0), saved.EpochsCompleted);
        Assert.Equal(saveAtStep % StepsPerEpoch * 4, saved.EpochPairsCompleted);

        var resumed = CheckpointTestData.Model(modelName, seed: 99);
        var resumedTrainer = new Seq2SeqTrainer(resumed, options with { Epochs = Epochs - saved.EpochsCompleted });
        Checkpoint.Load(path, resumed, resumedTrainer);
        Assert.Equal(saveAtStep, resumedTrainer.StepsCompleted);
        resumedTrainer.Train(pairs);

        foreach (var (model, trainer, run) in new[] { (saving, savingTrainer, "saving"), (resumed, resumedTrainer, "resumed") })
        {
            Assert.True(
                CheckpointTestData.Bits(uninterrupted.Parameters).SequenceEqual(CheckpointTestData.Bits(model.Parameters)),
                $"The {run} run's parameters differ from the uninterrupted run's.");
            var expectedBuffers = CheckpointTestData.OptimizerBuffers(uninterruptedTrainer.Optimizer);
            var actualBuffers = CheckpointTestData.OptimizerBuffers(trainer.Optimizer);
            for (var b = 0; b < expectedBuffers.Length; b++)
            {
                Assert.True(
                    CheckpointTestData.Bits(expectedBuffers[b]).SequenceEqual(CheckpointTestData.Bits(actualBuffers[b])),
                    $"The {run} run's optimizer buffer {b} differs from the uninterrupted run's.");
            }
            Assert.Equal(Epochs * StepsPerEpoch, trainer.StepsCompleted);
            Assert.Equal(Epochs * StepsPerEpoch, trainer.Optimizer.StepCount);
            Assert.Equal(Epochs, trainer.EpochsCompleted);
            Assert.Equal(0, trainer.EpochPairsCompleted);
        }
    }

    [Theory]
    [InlineData("warm-up then step decay", 3)] // within the warm-up
    [InlineData("warm-up then step decay", 9)] // inside epoch 2, after a decay at the epoch boundary
    [InlineData("reduce on plateau", 9)] // inside epoch 2, after a reduction and with a bad epoch counted
    [InlineData("reduce on plateau", 12)] // at the end of epoch 2
    [InlineData("early stopping restoring the best", 6)] // at the end of epoch 1, the best, whose parameters the run ends with
    public void Training_with_a_schedule_and_early_stopping_resumes_bit_for_bit(string setup, int saveAtStep)
    {
        const string ModelName = nameof(TinyGru);
        var shape = CheckpointTestData.Model(ModelName, seed: 0).Shape;
        var pairs = CheckpointTestData.RandomPairs(shape, PairCount, seed: 3);
        var validation = CheckpointTestData.RandomPairs(shape, 5, seed: 9);
        var options = CheckpointTestData.Options("Adam", Epochs) with
        {
            LearningRateSchedule = setup switch
            {
                "warm-up then step decay" => new LinearWarmup(5, new StepDecay(1, 0.5f, ScheduleUnit.Epochs)),
                // A threshold of 50% is rarely met, so the rate falls after most epochs.
                _ => new LinearWarmup(3, new ReduceOnPlateau(factor: 0.5f, patience: 0, threshold: 0.5)),
            },
            // A minimum improvement of 100 is never met: every epoch after the first counts towards the patience.
            EarlyStopping = new EarlyStoppingOptions { Patience = 10, MinDelta = 100, RestoreBestParameters = setup == "early stopping restoring the best" },
        };

        var uninterrupted = CheckpointTestData.Model(ModelName, seed: 5);
        var uninterruptedTrainer = new Seq2SeqTrainer(uninterrupted, options);
        var uninterruptedSummary = uninterruptedTrainer.Train(pairs, validation);

        var path = folder.File("scheduled.safetensors");
        var saving = CheckpointTestData.Model(ModelName, seed: 5);
        var savingTrainer = new Seq2SeqTrainer(saving, options);
        (float, PlateauState, double?, int, int) stateAtSave = default;
        savingTrainer.Train(pairs, validation, new RecordingProgress(report =>
        {
            if (report.Step == saveAtStep)
            {
                Checkpoint.Save(path, saving, trainer: savingTrainer);
                stateAtSave = ScheduleState(savingTrainer);
            }
        }));

        var saved = Checkpoint.ReadInfo(path).Training!;
        Assert.Equal(stateAtSave, (saved.BaseLearningRate, saved.Plateau, saved.BestValidationLoss, saved.BestEpoch, saved.EpochsWithoutImprovement));
        var resumed = CheckpointTestData.Model(ModelName, seed: 99);
        var resumedTrainer = new Seq2SeqTrainer(resumed, options with { Epochs = Epochs - saved.EpochsCompleted });
        Checkpoint.Load(path, resumed, resumedTrainer);
        Assert.Equal(stateAtSave, ScheduleState(resumedTrainer));
        var resumedSummary = resumedTrainer.Train(pairs, validation);

        Assert.True(
            CheckpointTestData.Bits(uninterrupted.Parameters).SequenceEqual(CheckpointTestData.Bits(resumed.Parameters)),
            "The resumed run's parameters differ from the uninterrupted run's.");
        Assert.True(
            CheckpointTestData.Bits(uninterrupted.Parameters).SequenceEqual(CheckpointTestData.Bits(saving.Parameters)),
            "The saving run's parameters differ from the uninterrupted run's.");
        Assert.Equal(ScheduleState(uninterruptedTrainer), ScheduleState(resumedTrainer));
        Assert.Equal(uninterruptedTrainer.Optimizer.LearningRate, resumedTrainer.Optimizer.LearningRate);
        Assert.Equal(uninterruptedSummary.RestoredBestParameters, resumedSummary.RestoredBestParameters);
        Assert.Equal((1, Epochs - 1), (resumedTrainer.BestEpoch, resumedTrainer.EpochsWithoutImprovement));
        Assert.Equal(setup == "early stopping restoring the best", resumedSummary.RestoredBestParameters);
        if (setup == "reduce on plateau")
        {
            Assert.True(resumedTrainer.BaseLearningRate < uninterruptedTrainer.Options.CreateOptimizer(1).LearningRate, "The plateau never reduced the rate.");
        }
    }

    private static (float, PlateauState, double?, int, int) ScheduleState(Seq2SeqTrainer trainer) =>
        (trainer.BaseLearningRate, trainer.PlateauState, trainer.BestValidationLoss, trainer.BestEpoch, trainer.EpochsWithoutImprovement);

    [Fact]
    public void Steps_the_caller_drives_resume_bit_for_bit()
    {
        var model = CheckpointTestData.Model(nameof(WideGru), seed: 12);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 30, seed: 6);
        var options = CheckpointTestData.Options("AdamW", epochs: 1);
        var trainer = new Seq2SeqTrainer(model, options);
        for (var step = 0; step < 7; step++)
        {
            trainer.TrainStep(pairs, Batch(step, pairs.Length));
        }
        var path = folder.File("steps.safetensors");
        Checkpoint.Save(path, model, trainer: trainer);
        for (var step = 7; step < 12; step++)
        {
            trainer.TrainStep(pairs, Batch(step, pairs.Length));
        }

        var resumed = new WideGru();
        var resumedTrainer = new Seq2SeqTrainer(resumed, options);
        Checkpoint.Load(path, resumed, resumedTrainer);
        for (var step = 7; step < 12; step++)
        {
            resumedTrainer.TrainStep(pairs, Batch(step, pairs.Length));
        }

        Assert.True(CheckpointTestData.Bits(model.Parameters).SequenceEqual(CheckpointTestData.Bits(resumed.Parameters)));
        Assert.Equal(12L, resumedTrainer.StepsCompleted);
    }

    [Fact]
    public void The_learning_rate_a_schedule_set_is_restored()
    {
        var model = CheckpointTestData.Model(nameof(TinyGru), seed: 2);
        var trainer = new Seq2SeqTrainer(model, CheckpointTestData.Options("Adam", epochs: 1));
        trainer.Optimizer.LearningRate = 0.0025f;
        var path = folder.File("schedule.safetensors");
        Checkpoint.Save(path, model, trainer: trainer);

        var resumedTrainer = new Seq2SeqTrainer(new TinyGru(), CheckpointTestData.Options("Adam", epochs: 1));
        Checkpoint.Load(path, resumedTrainer.Model, resumedTrainer);

        Assert.Equal(0.0025f, resumedTrainer.Optimizer.LearningRate);
    }

    [Fact]
    public void A_Train_call_cancelled_within_an_epoch_continues_that_epoch_on_the_next_call()
    {
        var shape = new TinyGru().Shape;
        var pairs = CheckpointTestData.RandomPairs(shape, PairCount, seed: 4);
        var options = CheckpointTestData.Options("Adam", epochs: 2);
        var uninterrupted = CheckpointTestData.Model(nameof(TinyGru), seed: 8);
        new Seq2SeqTrainer(uninterrupted, options).Train(pairs);

        var model = CheckpointTestData.Model(nameof(TinyGru), seed: 8);
        var trainer = new Seq2SeqTrainer(model, options);
        using var cancellation = new CancellationTokenSource();
        var progress = new RecordingProgress(report =>
        {
            if (report.Step == 4)
            {
                cancellation.Cancel();
            }
        });
        Assert.Throws<OperationCanceledException>(() => trainer.Train(pairs, progress: progress, cancellationToken: cancellation.Token));
        Assert.Equal((4L, 0, 16), (trainer.StepsCompleted, trainer.EpochsCompleted, trainer.EpochPairsCompleted));

        var summary = trainer.Train(pairs);

        Assert.Equal(2L * StepsPerEpoch - 4, summary.Steps);
        Assert.Equal((12L, 2, 0), (trainer.StepsCompleted, trainer.EpochsCompleted, trainer.EpochPairsCompleted));
        Assert.True(CheckpointTestData.Bits(uninterrupted.Parameters).SequenceEqual(CheckpointTestData.Bits(model.Parameters)));
    }

    [Fact]
    public void A_Train_call_over_a_training_set_of_another_size_starts_the_unfinished_epoch_afresh()
    {
        var model = new QuadraticTestModel();
        model.StartRecording(100);
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 4, ProgressInterval = TimeSpan.Zero });
        using var cancellation = new CancellationTokenSource();
        var progress = new RecordingProgress(report =>
        {
            if (report.Step == 2)
            {
                cancellation.Cancel();
            }
        });
        Assert.Throws<OperationCanceledException>(() =>
            trainer.Train(TrainingTestData.DistinctPairs(20), progress: progress, cancellationToken: cancellation.Token));

        var summary = trainer.Train(TrainingTestData.DistinctPairs(12));

        Assert.Equal(3L, summary.Steps);
        Assert.Equal(12, model.RecordedSources[8..].ToArray().Distinct().Count());
        Assert.Equal((1, 0), (trainer.EpochsCompleted, trainer.EpochPairsCompleted));
    }

    /// <summary>The batch of step <paramref name="step"/>: five pair indices drawn from the step's number alone.</summary>
    private static int[] Batch(int step, int pairCount)
    {
        var random = new SeededRandom((ulong)step);
        return Enumerable.Range(0, 5).Select(_ => random.NextInt(pairCount)).ToArray();
    }
}
