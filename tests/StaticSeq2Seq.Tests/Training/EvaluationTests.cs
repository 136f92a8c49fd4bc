using StaticSeq2Seq.Data;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Training;

public sealed class EvaluationTests
{
    [Fact]
    public void Validation_loss_is_given_per_pair_and_per_target_token_with_eos_counted()
    {
        // With every weight 0: losses 1 (2 tokens with EOS) and 6 (3 tokens with EOS).
        var model = new QuadraticTestModel();
        SequencePair[] pairs = [new([10], [5]), new([20], [5, 6])];

        var loss = Evaluation.ValidationLoss(model, model.CreateWorkspace(), pairs);

        Assert.Equal(3.5, loss.MeanPerPair, 6);
        Assert.Equal(1.4, loss.MeanPerToken, 6);
        Assert.Equal(Math.Exp(1.4), loss.Perplexity, 6);
        Assert.Equal(2, loss.PairCount);
        Assert.Equal(5L, loss.TokenCount);
    }

    [Fact]
    public void Validation_leaves_the_parameters_alone()
    {
        var model = new QuadraticTestModel();
        model.InitializeParameters(4);
        var before = model.Parameters.ToArray();

        Evaluation.ValidationLoss(model, model.CreateWorkspace(), TrainingTestData.DistinctPairs(5));

        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Exact_sequence_accuracy_counts_targets_decoded_exactly()
    {
        // The test model decodes a copy of the source.
        var model = new QuadraticTestModel();
        SequencePair[] pairs =
        [
            new([4, 5, 6], [4, 5, 6]),
            new([4, 5, 6], [4, 5]),
            new([7], [7]),
            new([8, 9], [9, 8]),
        ];

        var accuracy = Evaluation.ExactSequenceAccuracy(model, model.CreateWorkspace(), pairs);

        Assert.Equal(0.5, accuracy);
    }

    [Fact]
    public void An_empty_set_is_rejected()
    {
        var model = new QuadraticTestModel();

        Assert.Throws<ArgumentException>(() => Evaluation.ValidationLoss(model, model.CreateWorkspace(), []));
        Assert.Throws<ArgumentException>(() => Evaluation.ExactSequenceAccuracy(model, model.CreateWorkspace(), []));
    }
}
