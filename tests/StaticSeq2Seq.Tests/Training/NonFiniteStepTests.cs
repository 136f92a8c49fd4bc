using StaticSeq2Seq.Data;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Tests.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Training;

/// <summary>
/// A step whose loss or gradient overflows (weights forced to <see cref="float.MaxValue"/>) is caught before it is
/// applied: with <see cref="NonFiniteStepHandling.Stop"/> training stops with <see cref="TrainingDivergedException"/>,
/// with <see cref="NonFiniteStepHandling.Skip"/> the step is left out and its number reported; either way the
/// parameters and the optimizer's state are exactly as before the step.
/// </summary>
public sealed class NonFiniteStepTests
{
    private const string OutputBias = "decoder.out.bias";

    [Theory]
    [InlineData(NonFiniteStepHandling.Stop)]
    [InlineData(NonFiniteStepHandling.Skip)]
    public void An_overflowing_step_of_a_generated_model_changes_neither_parameters_nor_optimizer_state(NonFiniteStepHandling handling)
    {
        var model = new TinyGru();
        model.InitializeParameters(5);
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions { NonFiniteSteps = handling });
        var batch = CheckpointTestData.RandomPairs(model.Shape, 4, seed: 6);
        trainer.TrainStep(batch);
        OverflowOutputLayer(model);
        Assert.False(float.IsFinite(model.Forward(model.CreateWorkspace(), batch[0].Source, batch[0].Target)), "The injected weights must overflow the loss.");
        var parameters = CheckpointTestData.Bits(model.Parameters);
        var moments = CheckpointTestData.OptimizerBuffers(trainer.Optimizer).Select(buffer => CheckpointTestData.Bits(buffer)).ToArray();

        if (handling == NonFiniteStepHandling.Stop)
        {
            var error = Assert.Throws<TrainingDivergedException>(() => trainer.TrainStep(batch));
            Assert.Equal(2L, error.Step);
            Assert.Contains("NonFiniteStepHandling.Skip", error.Message);
            Assert.Equal(1L, trainer.StepsCompleted);
            Assert.Empty(trainer.SkippedSteps);
        }
        else
        {
            var loss = trainer.TrainStep(batch);
            Assert.False(float.IsFinite(loss));
            Assert.True(trainer.LastStepSkipped);
            Assert.Equal([2L], trainer.SkippedSteps);
            Assert.Equal(2L, trainer.StepsCompleted);
        }

        Assert.Equal(1L, trainer.Optimizer.StepCount);
        Assert.Equal(parameters, CheckpointTestData.Bits(model.Parameters));
        Assert.Equal(moments, CheckpointTestData.OptimizerBuffers(trainer.Optimizer).Select(buffer => CheckpointTestData.Bits(buffer)).ToArray());
    }

    [Fact]
    public void A_skipped_step_is_followed_by_applied_steps_once_the_overflow_is_gone()
    {
        var model = new TinyGru();
        model.InitializeParameters(5);
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions { NonFiniteSteps = NonFiniteStepHandling.Skip });
        var batch = CheckpointTestData.RandomPairs(model.Shape, 4, seed: 6);
        var sound = model.Parameters.ToArray();
        OverflowOutputLayer(model);
        trainer.TrainStep(batch);
        sound.CopyTo(model.Parameters);

        var loss = trainer.TrainStep(batch);

        Assert.True(float.IsFinite(loss));
        Assert.False(trainer.LastStepSkipped);
        Assert.Equal([1L], trainer.SkippedSteps);
        Assert.Equal(2L, trainer.StepsCompleted);
        Assert.Equal(1L, trainer.Optimizer.StepCount);
    }

    [Fact]
    public void Training_skips_exactly_the_steps_whose_batch_overflows_and_reports_them_in_progress_and_summary()
    {
        var (model, pairs) = QuadraticWithOverflowingTarget();
        var options = Options(NonFiniteStepHandling.Skip);
        var trainer = new Seq2SeqTrainer(model, options);
        var progress = new RecordingProgress();
        model.StartRecording(pairs.Length * options.Epochs);

        var summary = trainer.Train(pairs, progress: progress);

        var expected = OverflowingSteps(model.RecordedSources, pairs, options.BatchSize);
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < summary.Steps, "Some steps must be applied for the test to tell skipping from stopping.");
        Assert.Equal(expected, summary.SkippedSteps);
        Assert.Equal(expected, trainer.SkippedSteps);
        Assert.Equal(summary.Steps - expected.Count, trainer.Optimizer.StepCount);
        Assert.True(double.IsFinite(summary.TrainLoss));
        Assert.Equal(float.MaxValue, model.Parameters[OverflowingTarget]);
        foreach (var report in progress.Reports)
        {
            Assert.Equal(expected.Where(step => step <= report.Step), report.SkippedSteps);
        }
        Assert.Equal(expected, progress.Reports[^1].SkippedSteps);
    }

    [Fact]
    public void Training_stops_at_the_first_overflowing_step_with_the_steps_before_it_applied()
    {
        var (model, pairs) = QuadraticWithOverflowingTarget();
        var options = Options(NonFiniteStepHandling.Stop);
        var trainer = new Seq2SeqTrainer(model, options);
        model.StartRecording(pairs.Length * options.Epochs);

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Train(pairs));

        var first = OverflowingSteps(model.RecordedSources, pairs, options.BatchSize)[0];
        Assert.Equal(first, error.Step);
        Assert.True(double.IsPositiveInfinity(error.Loss));
        Assert.Equal(first - 1, trainer.StepsCompleted);
        Assert.Equal(first - 1, trainer.Optimizer.StepCount);
        Assert.Empty(trainer.SkippedSteps);
    }

    [Fact]
    public void The_handling_must_be_a_defined_value() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { NonFiniteSteps = (NonFiniteStepHandling)2 });

    // The target token whose weight is float.MaxValue: ½(w - c)² overflows for every pair that has it.
    private const int OverflowingTarget = 6;

    private static (QuadraticTestModel Model, SequencePair[] Pairs) QuadraticWithOverflowingTarget()
    {
        var model = new QuadraticTestModel();
        model.Parameters[OverflowingTarget] = float.MaxValue;
        var pairs = TrainingTestData.DistinctPairs(12);
        // Only two pairs overflow, so that most batches do not.
        for (var i = 0; i < pairs.Length; i++)
        {
            if (pairs[i].Target[0] == OverflowingTarget && i > 4)
            {
                pairs[i] = new SequencePair(pairs[i].Source, [5, 9]);
            }
        }
        return (model, pairs);
    }

    private static TrainingOptions Options(NonFiniteStepHandling handling) => new()
    {
        Epochs = 3,
        BatchSize = 2,
        Seed = 3,
        ProgressInterval = TimeSpan.Zero,
        MeasureSequenceAccuracy = false,
        NonFiniteSteps = handling,
        CreateOptimizer = count => new Adam(count, learningRate: 0.1f),
    };

    // The steps, from 1, whose batch (consecutive forward passes, in the order recorded) holds a pair with the overflowing target.
    private static List<long> OverflowingSteps(ReadOnlySpan<int> recordedSources, SequencePair[] pairs, int batchSize)
    {
        var overflowing = pairs.Where(pair => pair.Target.Contains(OverflowingTarget)).Select(pair => pair.Source[0]).ToHashSet();
        var steps = new List<long>();
        for (var i = 0; i < recordedSources.Length; i++)
        {
            var step = i / batchSize + 1L;
            if (overflowing.Contains(recordedSources[i]) && (steps.Count == 0 || steps[^1] != step))
            {
                steps.Add(step);
            }
        }
        return steps;
    }

    // PAD's output bias float.MaxValue and every other token's -float.MaxValue: the log-sum-exp is about float.MaxValue
    // and every target token's logit about -float.MaxValue, so their difference, the loss, overflows.
    private static void OverflowOutputLayer(ISeq2SeqModel model)
    {
        var tensor = model.Layout.Tensors.Single(t => t.Name == OutputBias);
        var bias = model.Parameters.Slice(tensor.Offset, tensor.Length);
        bias.Fill(-float.MaxValue);
        bias[SpecialTokens.Pad] = float.MaxValue;
    }
}
