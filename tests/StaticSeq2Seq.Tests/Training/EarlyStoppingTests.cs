using StaticSeq2Seq.Data;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Training;

/// <summary>Early stopping on a model whose validation loss is scripted, one loss per epoch.</summary>
public sealed class EarlyStoppingTests
{
    // Epochs 1-3 improve; epoch 4 and 5 do not; epoch 6 improves on 3 by less than MinDelta 0.001, so it is the third bad epoch.
    private static readonly float[] Losses = [5f, 4f, 3f, 3.5f, 3.2f, 2.9995f, 1f, 1f, 1f, 1f];

    private static readonly SequencePair[] Validation = [QuadraticTestModel.ValidationPair];

    [Fact]
    public void Training_stops_after_patience_epochs_without_an_improvement_of_at_least_min_delta()
    {
        var (_, trainer) = Make(restoreBest: false);
        var progress = new RecordingProgress();

        var summary = trainer.Train(TrainingTestData.DistinctPairs(8), Validation, progress);

        Assert.True(summary.StoppedEarly);
        Assert.Equal(6, summary.StoppedAtEpoch);
        Assert.Equal(6, summary.Epochs);
        Assert.Equal(6, trainer.EpochsCompleted);
        Assert.Equal(6, progress.Reports.Count(report => report.IsEpochEnd));
        Assert.Equal(3.0, summary.BestValidationLoss);
        Assert.Equal(3, summary.BestEpoch);
        Assert.Equal(3, trainer.EpochsWithoutImprovement);
        Assert.False(summary.RestoredBestParameters);
        Assert.Equal(2.9995f, (float)summary.Validation!.Value.MeanPerPair);
        Assert.Equal(12L, summary.Steps);
    }

    [Fact]
    public void The_best_epochs_parameters_are_restored_at_the_end()
    {
        var (model, trainer) = Make(restoreBest: true);
        float[]? afterEpoch3 = null;
        float[]? afterLastEpoch = null;
        var progress = new RecordingProgress(report =>
        {
            if (report.IsEpochEnd && report.Epoch == 3)
            {
                afterEpoch3 = model.Parameters.ToArray();
            }
            if (report.IsEpochEnd)
            {
                afterLastEpoch = model.Parameters.ToArray();
            }
        });

        var summary = trainer.Train(TrainingTestData.DistinctPairs(8), Validation, progress);

        Assert.True(summary.RestoredBestParameters);
        Assert.Equal(afterEpoch3, model.Parameters.ToArray());
        Assert.NotEqual(afterLastEpoch, afterEpoch3);
    }

    [Fact]
    public void A_run_whose_last_epoch_is_the_best_keeps_its_parameters_and_does_not_stop_early()
    {
        var (_, trainer) = Make(restoreBest: true, epochs: 3);

        var summary = trainer.Train(TrainingTestData.DistinctPairs(8), Validation);

        Assert.False(summary.StoppedEarly);
        Assert.Null(summary.StoppedAtEpoch);
        Assert.Equal(3, summary.BestEpoch);
        Assert.False(summary.RestoredBestParameters);
        Assert.Equal(3, summary.Epochs);
    }

    [Fact]
    public void Early_stopping_without_validation_pairs_is_rejected_with_what_to_do()
    {
        var (_, trainer) = Make(restoreBest: true);

        var error = Assert.Throws<ArgumentException>(() => trainer.Train(TrainingTestData.DistinctPairs(8)));

        Assert.Contains("Early stopping", error.Message, StringComparison.Ordinal);
        Assert.Contains("pass a validation set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_early_stopping_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStoppingOptions { Patience = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStoppingOptions { MinDelta = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStoppingOptions { MinDelta = double.NaN });
    }

    [Fact]
    public void A_training_step_with_a_schedule_and_early_stopping_allocates_nothing()
    {
        var model = new QuadraticTestModel();
        model.InitializeParameters(3);
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions
        {
            ClipNorm = 0.5f,
            LearningRateSchedule = new LinearWarmup(5, new StepDecay(3, 0.5f, ScheduleUnit.Steps)),
            EarlyStopping = new EarlyStoppingOptions(),
        });
        var pairs = TrainingTestData.DistinctPairs(8);
        int[] indices = [5, 2, 7, 0];
        trainer.TrainStep(pairs.AsSpan(0, 4));
        trainer.TrainStep(pairs, indices);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            trainer.TrainStep(pairs.AsSpan(0, 4));
            trainer.TrainStep(pairs, indices);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(trainer.BaseLearningRate, trainer.Optimizer.LearningRate);
    }

    private static (QuadraticTestModel Model, Seq2SeqTrainer Trainer) Make(bool restoreBest, int epochs = 10)
    {
        var model = new QuadraticTestModel();
        model.InitializeParameters(4);
        model.ScriptValidationLosses(Losses);
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = 4,
            MeasureSequenceAccuracy = false,
            CreateOptimizer = count => new SgdMomentum(count, learningRate: 0.05f, momentum: 0),
            EarlyStopping = new EarlyStoppingOptions { Patience = 3, MinDelta = 0.001, RestoreBestParameters = restoreBest },
        });
        return (model, trainer);
    }
}
