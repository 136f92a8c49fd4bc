using StaticSeq2Seq.Data;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Training;

public sealed class TrainStepTests
{
    // With every weight 0: pair A (c = 1, targets 5, EOS) has loss ½·1·2 = 1; pair B (c = 2, targets 5, 6, EOS)
    // has loss ½·4·3 = 6. The gradient of the mean loss is w5: (-1 - 2)/2 = -1.5, w6: -2/2 = -1, w_EOS: -1.5.
    private static readonly SequencePair[] HandBatch =
    [
        new([10], [5]),
        new([20], [5, 6]),
    ];

    private static readonly TrainingOptions PlainSgd = new()
    {
        ClipNorm = 0f,
        CreateOptimizer = count => new SgdMomentum(count, learningRate: 1f, momentum: 0),
    };

    [Fact]
    public void Steps_on_the_mean_gradient_of_the_batch_and_returns_the_mean_loss()
    {
        var model = new QuadraticTestModel();
        var trainer = new Seq2SeqTrainer(model, PlainSgd);

        var loss = trainer.TrainStep(HandBatch);

        Assert.Equal(3.5f, loss);
        Assert.Equal(-1.5f, trainer.Gradients[5]);
        Assert.Equal(-1f, trainer.Gradients[6]);
        Assert.Equal(-1.5f, trainer.Gradients[SpecialTokens.Eos]);
        Assert.Equal(1.5f, model.Parameters[5]);
        Assert.Equal(1f, model.Parameters[6]);
        Assert.Equal(1.5f, model.Parameters[SpecialTokens.Eos]);
        Assert.Equal(0f, model.Parameters[7]);
        Assert.Equal(1L, trainer.StepsCompleted);
        Assert.Equal(MathF.Sqrt(5.5f), trainer.LastGradientNorm, 5);
    }

    [Fact]
    public void Zeroes_the_gradients_before_each_step()
    {
        var model = new QuadraticTestModel();
        var trainer = new Seq2SeqTrainer(model, PlainSgd with { CreateOptimizer = count => new SgdMomentum(count, learningRate: 0f, momentum: 0) });

        trainer.TrainStep(HandBatch);
        trainer.TrainStep(HandBatch);

        Assert.Equal(-1.5f, trainer.Gradients[5]);
    }

    [Fact]
    public void The_index_overload_steps_as_the_span_overload_does()
    {
        var bySpan = new QuadraticTestModel();
        var byIndex = new QuadraticTestModel();
        var pairs = TrainingTestData.DistinctPairs(8);

        new Seq2SeqTrainer(bySpan).TrainStep([pairs[6], pairs[1], pairs[3]]);
        new Seq2SeqTrainer(byIndex).TrainStep(pairs, [6, 1, 3]);

        Assert.Equal(bySpan.Parameters.ToArray(), byIndex.Parameters.ToArray());
    }

    [Fact]
    public void Clips_the_gradient_to_the_maximum_norm_and_reports_the_norm_before_clipping()
    {
        var model = new QuadraticTestModel();
        var trainer = new Seq2SeqTrainer(model, PlainSgd with { ClipNorm = 1f });

        trainer.TrainStep(HandBatch);

        Assert.Equal(MathF.Sqrt(5.5f), trainer.LastGradientNorm, 5);
        var stepNorm = Math.Sqrt(model.Parameters.ToArray().Sum(w => (double)w * w));
        Assert.Equal(1.0, stepNorm, 5);
        Assert.Equal(-1.5 / Math.Sqrt(5.5), trainer.Gradients[5], 5);
    }

    [Fact]
    public void A_non_finite_loss_stops_the_step_before_it_changes_anything()
    {
        var model = new QuadraticTestModel { NaNSourceToken = 20 };
        var trainer = new Seq2SeqTrainer(model, PlainSgd);
        trainer.TrainStep([HandBatch[0]]);
        var parametersBefore = model.Parameters.ToArray();

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.TrainStep(HandBatch));

        Assert.Equal(2L, error.Step);
        Assert.True(double.IsNaN(error.Loss));
        Assert.Contains("not applied", error.Message);
        Assert.Equal(parametersBefore, model.Parameters.ToArray());
        Assert.Equal(1L, trainer.StepsCompleted);
        Assert.Equal(1L, trainer.Optimizer.StepCount);
    }

    [Fact]
    public void A_warm_step_allocates_nothing()
    {
        var model = new QuadraticTestModel();
        model.InitializeParameters(3);
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions { ClipNorm = 0.5f });
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
    }

    [Fact]
    public void An_empty_batch_is_rejected()
    {
        var trainer = new Seq2SeqTrainer(new QuadraticTestModel());

        Assert.Throws<ArgumentException>(() => trainer.TrainStep(ReadOnlySpan<SequencePair>.Empty));
        Assert.Throws<ArgumentException>(() => trainer.TrainStep(HandBatch, ReadOnlySpan<int>.Empty));
        Assert.Equal(0L, trainer.StepsCompleted);
    }

    [Fact]
    public void An_optimizer_made_for_another_parameter_count_is_rejected()
    {
        var options = new TrainingOptions { CreateOptimizer = count => new Adam(count + 1) };

        var error = Assert.Throws<InvalidOperationException>(() => new Seq2SeqTrainer(new QuadraticTestModel(), options));

        Assert.Contains("33 parameters but the model has 32", error.Message);
    }
}
