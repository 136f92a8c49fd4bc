using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Training;

/// <summary>
/// Each schedule's rates against PyTorch's <c>torch.optim.lr_scheduler</c>: the expected values are what
/// schedules_pytorch.py, next to this file, prints (PyTorch 1.13, base rate 0.1).
/// </summary>
public sealed class LearningRateScheduleTests
{
    private const float BaseRate = 0.1f;

    [Fact]
    public void The_constant_schedule_keeps_the_base_rate()
    {
        Assert.All(Enumerable.Range(0, 5), step => Assert.Equal(BaseRate, ConstantLearningRate.Instance.LearningRateAt(step * 1000L, step, BaseRate)));
    }

    [Fact]
    public void Step_decay_per_epoch_matches_PyTorch_StepLR()
    {
        double[] pytorch = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125];
        var schedule = new StepDecay(stepSize: 3, gamma: 0.5f, ScheduleUnit.Epochs);

        // The step index does not matter to an epoch schedule.
        AssertRates(pytorch, epoch => schedule.LearningRateAt(step: 7 * epoch + 3, (int)epoch, BaseRate));
    }

    [Fact]
    public void Step_decay_per_step_counts_steps()
    {
        var schedule = new StepDecay(stepSize: 3, gamma: 0.5f, ScheduleUnit.Steps);

        AssertRates([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025], step => schedule.LearningRateAt(step, epoch: 0, BaseRate));
    }

    [Fact]
    public void Exponential_decay_matches_PyTorch_ExponentialLR()
    {
        double[] pytorch =
        [
            0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002,
            0.05904900000000002, 0.05314410000000002, 0.04782969000000002,
        ];
        var schedule = new ExponentialDecay(gamma: 0.9f, ScheduleUnit.Steps);

        AssertRates(pytorch, step => schedule.LearningRateAt(step, epoch: 0, BaseRate));
    }

    [Fact]
    public void Linear_warm_up_then_step_decay_matches_PyTorch_LinearLR_then_StepLR_in_SequentialLR()
    {
        double[] pytorch =
        [
            0.025, 0.043750000000000004, 0.06250000000000001, 0.08125000000000002, 0.1, 0.1,
            0.010000000000000002, 0.010000000000000002, 0.0010000000000000002, 0.0010000000000000002,
        ];
        var schedule = new LinearWarmup(warmupSteps: 4, new StepDecay(stepSize: 2, gamma: 0.1f, ScheduleUnit.Steps), startFactor: 0.25f);

        AssertRates(pytorch, step => schedule.LearningRateAt(step, epoch: 0, BaseRate));
    }

    [Fact]
    public void Linear_warm_up_alone_reaches_the_base_rate_and_stays_there()
    {
        var schedule = new LinearWarmup(warmupSteps: 2);

        // PyTorch's default start factor is 1/3: 1/3, 2/3, then 1 of the base rate.
        AssertRates([0.1 / 3, 0.2 / 3, 0.1, 0.1], step => schedule.LearningRateAt(step, epoch: 0, BaseRate));
    }

    [Fact]
    public void Reduce_on_plateau_matches_PyTorch_ReduceLROnPlateau_with_its_relative_threshold_cooldown_and_minimum()
    {
        // 0.99995 improves on 1.0 by less than the default relative threshold 1e-4 (1.0 · (1 - 1e-4) = 0.9999), so it is a bad epoch.
        double[] losses = [1.0, 0.99995, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95];
        double[] pytorch = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.02];
        var schedule = new ReduceOnPlateau(factor: 0.5f, patience: 2, cooldown: 1, minLearningRate: 0.02f);

        AssertRates(pytorch, PlateauRates(schedule, losses));
    }

    [Fact]
    public void Reduce_on_plateau_with_an_absolute_threshold_matches_PyTorch_threshold_mode_abs()
    {
        double[] pytorch = [0.1, 0.1, 0.010000000000000002, 0.010000000000000002];
        var schedule = new ReduceOnPlateau(factor: 0.1f, patience: 0, threshold: 0.05, ThresholdMode.Absolute);

        AssertRates(pytorch, PlateauRates(schedule, [1.0, 0.96, 0.94, 0.5]));
    }

    [Fact]
    public void Reduce_on_plateau_uses_PyTorch_defaults()
    {
        var schedule = new ReduceOnPlateau();

        Assert.Equal((0.1f, 10, 1e-4, ThresholdMode.Relative, 0, 0f),
            (schedule.Factor, schedule.Patience, schedule.Threshold, schedule.Mode, schedule.Cooldown, schedule.MinLearningRate));
        Assert.Same(schedule, new LinearWarmup(3, schedule).Plateau);
        Assert.Null(new StepDecay(3).Plateau);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void A_decay_factor_outside_0_to_1_is_rejected_with_the_range(float gamma)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(gamma));
        Assert.Contains("(0, 1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_schedule_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmup(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceOnPlateau(factor: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceOnPlateau(patience: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceOnPlateau(threshold: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceOnPlateau(minLearningRate: -1f));
    }

    [Fact]
    public void The_trainer_sets_the_scheduled_rate_before_each_step_and_reports_it()
    {
        var model = new QuadraticTestModel();
        var progress = new RecordingProgress();
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions
        {
            Epochs = 2,
            BatchSize = 1,
            ProgressInterval = TimeSpan.Zero,
            CreateOptimizer = count => new SgdMomentum(count, learningRate: BaseRate, momentum: 0),
            LearningRateSchedule = new LinearWarmup(warmupSteps: 4, new StepDecay(stepSize: 2, gamma: 0.1f, ScheduleUnit.Steps), startFactor: 0.25f),
        });

        var summary = trainer.Train(TrainingTestData.DistinctPairs(5), progress: progress);

        double[] pytorch =
        [
            0.025, 0.043750000000000004, 0.06250000000000001, 0.08125000000000002, 0.1, 0.1,
            0.010000000000000002, 0.010000000000000002, 0.0010000000000000002, 0.0010000000000000002,
        ];
        Assert.Equal(10, progress.Reports.Count);
        AssertRates(pytorch, step => progress.Reports[(int)step].LearningRate);
        Assert.Equal(progress.Reports[^1].LearningRate, summary.LearningRate);
        Assert.Equal(BaseRate, trainer.BaseLearningRate);
    }

    [Fact]
    public void The_trainer_reduces_the_rate_on_a_plateau_of_the_validation_loss()
    {
        var model = new QuadraticTestModel();
        model.ScriptValidationLosses(1f, 2f, 3f, 0.5f);
        var progress = new RecordingProgress();
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions
        {
            Epochs = 4,
            BatchSize = 8,
            MeasureSequenceAccuracy = false,
            CreateOptimizer = count => new SgdMomentum(count, learningRate: BaseRate, momentum: 0),
            LearningRateSchedule = new ReduceOnPlateau(factor: 0.5f, patience: 0),
        });

        var summary = trainer.Train(TrainingTestData.DistinctPairs(8), [QuadraticTestModel.ValidationPair], progress);

        // One step an epoch: epoch 2 does not improve on 1.0, so epoch 3 steps at 0.05; epoch 3 neither, so epoch 4 at 0.025.
        Assert.Equal([0.1f, 0.1f, 0.05f, 0.025f], progress.Reports.Select(report => report.LearningRate));
        Assert.Equal(0.025f, summary.LearningRate);
        Assert.Equal(new PlateauState(0.5, 0, 0), trainer.PlateauState);
    }

    [Fact]
    public void A_reduce_on_plateau_schedule_without_validation_pairs_is_rejected_with_what_to_do()
    {
        var trainer = new Seq2SeqTrainer(new QuadraticTestModel(), new TrainingOptions { LearningRateSchedule = new LinearWarmup(2, new ReduceOnPlateau()) });

        var error = Assert.Throws<ArgumentException>(() => trainer.Train(TrainingTestData.DistinctPairs(4)));

        Assert.Contains("pass a validation set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_schedule_the_trainer_leaves_the_rate_set_by_hand()
    {
        var trainer = new Seq2SeqTrainer(new QuadraticTestModel());
        trainer.Optimizer.LearningRate = 0.5f;

        trainer.TrainStep(TrainingTestData.DistinctPairs(2));

        Assert.Equal(0.5f, trainer.Optimizer.LearningRate);
    }

    /// <summary>The rate of each epoch when the epochs before it had <paramref name="losses"/>, as the trainer drives the schedule.</summary>
    private static Func<long, float> PlateauRates(ReduceOnPlateau schedule, double[] losses)
    {
        var rates = new float[losses.Length];
        var state = PlateauState.Initial;
        var rate = BaseRate;
        for (var epoch = 0; epoch < losses.Length; epoch++)
        {
            rates[epoch] = schedule.LearningRateAt(0, epoch, rate);
            rate = schedule.Update(ref state, losses[epoch], rate);
        }
        return epoch => rates[epoch];
    }

    /// <summary>Compares float rates with PyTorch's double ones to float precision.</summary>
    private static void AssertRates(double[] expected, Func<long, float> rateAt)
    {
        for (var t = 0; t < expected.Length; t++)
        {
            var actual = rateAt(t);
            Assert.True(Math.Abs(actual - expected[t]) <= 1e-6 * expected[t], $"At {t} the rate is {actual}; PyTorch gives {expected[t]}.");
        }
    }
}
