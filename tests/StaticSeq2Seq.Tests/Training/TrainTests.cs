using StaticSeq2Seq.Data;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Training;

public sealed class TrainTests
{
    private const int PairCount = 20;

    [Fact]
    public void Visits_every_pair_once_per_epoch_in_a_shuffled_order()
    {
        var model = new QuadraticTestModel();
        model.StartRecording(3 * PairCount);
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Epochs = 3, BatchSize = 6, Seed = 11 });

        trainer.Train(TrainingTestData.DistinctPairs(PairCount));

        var sources = model.RecordedSources.ToArray();
        var everyPair = Enumerable.Range(SpecialTokens.Count, PairCount).ToArray();
        for (var epoch = 0; epoch < 3; epoch++)
        {
            var visited = sources.Skip(epoch * PairCount).Take(PairCount).ToArray();
            Assert.Equal(everyPair, visited.Order());
            Assert.NotEqual(everyPair, visited);
        }
        Assert.NotEqual(sources.Take(PairCount), sources.Skip(PairCount).Take(PairCount));
    }

    [Fact]
    public void The_same_seed_gives_the_same_order_and_parameters()
    {
        var (firstOrder, firstParameters) = TrainRecording(seed: 42, epochs: 2);
        var (secondOrder, secondParameters) = TrainRecording(seed: 42, epochs: 2);

        Assert.Equal(firstOrder, secondOrder);
        Assert.Equal(firstParameters, secondParameters);
    }

    [Fact]
    public void Another_seed_gives_another_order()
    {
        var (firstOrder, _) = TrainRecording(seed: 42, epochs: 1);
        var (secondOrder, _) = TrainRecording(seed: 43, epochs: 1);

        Assert.NotEqual(firstOrder, secondOrder);
    }

    [Fact]
    public void Two_runs_of_two_epochs_continue_as_one_run_of_four()
    {
        var (oneRunOrder, oneRunParameters) = TrainRecording(seed: 5, epochs: 4);

        var model = new QuadraticTestModel();
        model.InitializeParameters(1);
        model.StartRecording(4 * PairCount);
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Epochs = 2, BatchSize = 6, Seed = 5 });
        trainer.Train(TrainingTestData.DistinctPairs(PairCount));
        trainer.Train(TrainingTestData.DistinctPairs(PairCount));

        Assert.Equal(4, trainer.EpochsCompleted);
        Assert.Equal(oneRunOrder, model.RecordedSources.ToArray());
        Assert.Equal(oneRunParameters, model.Parameters.ToArray());
    }

    [Fact]
    public void Lowers_the_loss_and_reports_a_summary()
    {
        var model = new QuadraticTestModel();
        model.InitializeParameters(9);
        var pairs = TrainingTestData.DistinctPairs(PairCount);
        var options = new TrainingOptions { Epochs = 30, BatchSize = 4, CreateOptimizer = count => new Adam(count, learningRate: 0.05f) };
        var trainer = new Seq2SeqTrainer(model, options);
        var before = Evaluation.ValidationLoss(model, trainer.Workspace, pairs);

        var summary = trainer.Train(pairs, pairs);

        Assert.Equal(30, summary.Epochs);
        Assert.Equal(30 * 5, summary.Steps);
        Assert.NotNull(summary.Validation);
        Assert.True(summary.Validation.Value.MeanPerPair < before.MeanPerPair / 4,
            $"Validation loss went from {before.MeanPerPair} to {summary.Validation.Value.MeanPerPair}.");
        Assert.True(summary.TrainLoss < before.MeanPerPair / 4);
        // The test model decodes a copy of the source, which no target here matches.
        Assert.Equal(0.0, summary.ValidationSequenceAccuracy);
        Assert.True(summary.PairsPerSecond > 0);
        Assert.True(summary.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public void Reports_every_step_within_an_epoch_and_each_epoch_end_with_validation()
    {
        var model = new QuadraticTestModel();
        var progress = new RecordingProgress();
        var options = new TrainingOptions { Epochs = 2, BatchSize = 8, ProgressInterval = TimeSpan.Zero };
        var validation = TrainingTestData.DistinctPairs(3);

        new Seq2SeqTrainer(model, options).Train(TrainingTestData.DistinctPairs(PairCount), validation, progress);

        // 20 pairs in batches of 8 is 3 steps an epoch; the third is reported as the epoch's end.
        var reports = progress.Reports;
        Assert.Equal([1, 2, 3, 4, 5, 6], reports.Select(r => r.Step));
        Assert.Equal([1, 1, 1, 2, 2, 2], reports.Select(r => r.Epoch));
        Assert.Equal([false, false, true, false, false, true], reports.Select(r => r.IsEpochEnd));
        Assert.All(reports, r => Assert.Equal(6L, r.TotalSteps));
        Assert.All(reports, r => Assert.Equal(2, r.Epochs));
        Assert.All(reports.Where(r => !r.IsEpochEnd), r => Assert.Null(r.Validation));
        Assert.All(reports.Where(r => r.IsEpochEnd), r => Assert.Equal(3, r.Validation!.Value.PairCount));
        Assert.All(reports.Where(r => r.IsEpochEnd), r => Assert.NotNull(r.ValidationSequenceAccuracy));
        Assert.Equal(TimeSpan.Zero, reports[^1].EstimatedTimeLeft);
    }

    [Fact]
    public void The_epoch_loss_is_the_mean_per_pair_of_the_epoch_so_far()
    {
        // Learning rate 0 keeps the loss of every pair fixed, so the epoch's loss is the mean of the pairs' losses.
        var model = new QuadraticTestModel();
        var pairs = TrainingTestData.DistinctPairs(PairCount);
        var progress = new RecordingProgress();
        var options = new TrainingOptions { Epochs = 1, BatchSize = 6, CreateOptimizer = count => new SgdMomentum(count, 0f) };
        var trainer = new Seq2SeqTrainer(model, options);
        var expected = Evaluation.ValidationLoss(model, trainer.Workspace, pairs).MeanPerPair;

        var summary = trainer.Train(pairs, progress: progress);

        Assert.Equal(expected, summary.TrainLoss, 5);
        Assert.Equal(expected, progress.Reports[^1].EpochLoss, 5);
        Assert.Null(summary.Validation);
        Assert.Null(summary.ValidationSequenceAccuracy);
    }

    [Fact]
    public void Reports_no_more_often_than_the_interval_within_an_epoch()
    {
        var progress = new RecordingProgress();
        var options = new TrainingOptions { Epochs = 3, BatchSize = 1, ProgressInterval = TimeSpan.FromHours(1) };

        new Seq2SeqTrainer(new QuadraticTestModel(), options).Train(TrainingTestData.DistinctPairs(PairCount), progress: progress);

        Assert.Equal(3, progress.Reports.Count);
        Assert.All(progress.Reports, r => Assert.True(r.IsEpochEnd));
    }

    [Fact]
    public void Cancellation_stops_between_steps_and_keeps_the_steps_taken()
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new RecordingProgress(report =>
        {
            if (report.Step == 2)
            {
                cancellation.Cancel();
            }
        });
        var options = new TrainingOptions { Epochs = 5, BatchSize = 4, ProgressInterval = TimeSpan.Zero };
        var trainer = new Seq2SeqTrainer(new QuadraticTestModel(), options);

        Assert.Throws<OperationCanceledException>(() =>
            trainer.Train(TrainingTestData.DistinctPairs(PairCount), progress: progress, cancellationToken: cancellation.Token));

        Assert.Equal(2L, trainer.StepsCompleted);
        Assert.Equal(0, trainer.EpochsCompleted);
    }

    [Fact]
    public void A_pair_that_does_not_fit_the_model_stops_the_run_before_the_first_step_and_is_named()
    {
        var pairs = TrainingTestData.DistinctPairs(PairCount);
        pairs[3] = new SequencePair([4], [5, 5, 5, 5, 5, 5, 5]);
        var trainer = new Seq2SeqTrainer(new QuadraticTestModel());

        var error = Assert.Throws<ArgumentException>(() => trainer.Train(pairs));

        Assert.Contains("training set's pair 3 has a target of 7 tokens but the model takes at most 6", error.Message);
        Assert.Contains("MaxTargetLength", error.Message);
        Assert.Equal(0L, trainer.StepsCompleted);
    }

    [Fact]
    public void A_validation_pair_with_an_unknown_id_is_named()
    {
        var validation = new[] { new SequencePair([40], [5]) };
        var trainer = new Seq2SeqTrainer(new QuadraticTestModel());

        var error = Assert.Throws<ArgumentException>(() => trainer.Train(TrainingTestData.DistinctPairs(4), validation));

        Assert.Contains("validation set's pair 0 has source id 40", error.Message);
        Assert.Equal(0L, trainer.StepsCompleted);
    }

    [Fact]
    public void An_empty_training_set_is_rejected()
    {
        var trainer = new Seq2SeqTrainer(new QuadraticTestModel());

        var error = Assert.Throws<ArgumentException>(() => trainer.Train([]));

        Assert.Contains("empty", error.Message);
    }

    private static (int[] Order, float[] Parameters) TrainRecording(ulong seed, int epochs)
    {
        var model = new QuadraticTestModel();
        model.InitializeParameters(1);
        model.StartRecording(epochs * PairCount);
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Epochs = epochs, BatchSize = 6, Seed = seed });
        trainer.Train(TrainingTestData.DistinctPairs(PairCount));
        return (model.RecordedSources.ToArray(), model.Parameters.ToArray());
    }
}
