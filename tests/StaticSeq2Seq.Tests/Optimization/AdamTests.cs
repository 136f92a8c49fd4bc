using StaticSeq2Seq.Optimization;
using Xunit;

namespace StaticSeq2Seq.Tests.Optimization;

public sealed class AdamTests
{
    private const int PyTorchCount = 11;
    private const int PyTorchSteps = 5;

    // Printed by PyTorch 1.13 running tests/StaticSeq2Seq.Tests/Optimization/pytorch_reference.py:
    // torch.optim.Adam(lr=0.01), Adam(lr=0.01, weight_decay=0.1) and AdamW(lr=0.01, weight_decay=0.1)
    // on OptimizerTestData's parameters and gradients, after 5 steps.
    private static readonly double[] PyTorchAdam =
    [
        0.479693115, 0.389130175, 0.301699311, 0.227519438, 0.123734079, 0.0159832798,
        -0.0955973864, -0.206098869, -0.326381654, -0.420122266, -0.510588467,
    ];

    private static readonly double[] PyTorchAdamL2 =
    [
        0.477760583, 0.387565583, 0.300650388, 0.227067009, 0.123516567, 0.0159605686,
        -0.09538991, -0.205782399, -0.326004684, -0.419606119, -0.509853363,
    ];

    private static readonly double[] PyTorchAdamW =
    [
        0.477270395, 0.387183279, 0.300216854, 0.226436675, 0.123155542, 0.0159211997,
        -0.095130153, -0.205101937, -0.324800372, -0.418054432, -0.508045137,
    ];

    [Fact]
    public void Matches_PyTorch_Adam()
    {
        var parameters = Run(new Adam(PyTorchCount, learningRate: 0.01f), PyTorchCount, PyTorchSteps);
        OptimizerTestData.AssertClose(PyTorchAdam, parameters, 1e-6);
    }

    [Fact]
    public void Matches_PyTorch_Adam_with_L2_weight_decay()
    {
        var parameters = Run(new Adam(PyTorchCount, learningRate: 0.01f, weightDecay: 0.1), PyTorchCount, PyTorchSteps);
        OptimizerTestData.AssertClose(PyTorchAdamL2, parameters, 1e-6);
    }

    [Fact]
    public void Matches_PyTorch_AdamW()
    {
        var parameters = Run(new AdamW(PyTorchCount, learningRate: 0.01f, weightDecay: 0.1), PyTorchCount, PyTorchSteps);
        OptimizerTestData.AssertClose(PyTorchAdamW, parameters, 1e-6);
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.05, false)]
    [InlineData(0.05, true)]
    public void Matches_double_precision_reference_over_many_parameters_and_steps(double weightDecay, bool decoupled)
    {
        const int count = 1003;
        const int steps = 30;
        var optimizer = new Adam(count, learningRate: 0.003f, weightDecay: weightDecay, decoupledWeightDecay: decoupled);

        var parameters = Run(optimizer, count, steps);

        var expected = ReferenceOptimizers.Adam(
            OptimizerTestData.InitialParameters(count), steps, t => OptimizerTestData.Gradients(count, t),
            lr: 0.003f, weightDecay: weightDecay, decoupled: decoupled);
        OptimizerTestData.AssertClose(expected, parameters, 1e-5);
    }

    [Fact]
    public void First_step_moves_each_parameter_by_the_learning_rate_against_its_gradient_and_sets_the_moments()
    {
        // After bias correction the first step is lr·g/(|g| + ε/…) ≈ lr·sign(g).
        var optimizer = new Adam(3, learningRate: 0.5f);
        float[] parameters = [1f, 1f, 1f];

        optimizer.Step(parameters, [2f, -0.25f, 8f]);

        Assert.Equal(1L, optimizer.StepCount);
        OptimizerTestData.AssertClose([0.5, 1.5, 0.5], parameters, 1e-6);
        OptimizerTestData.AssertClose([0.2, -0.025, 0.8], optimizer.FirstMoments.ToArray(), 1e-6);
        OptimizerTestData.AssertClose([0.004, 0.0000625, 0.064], optimizer.SecondMoments.ToArray(), 1e-6);
    }

    [Fact]
    public void A_zero_learning_rate_leaves_the_parameters_alone()
    {
        var optimizer = new Adam(2) { LearningRate = 0f };
        float[] parameters = [0.25f, -3f];

        optimizer.Step(parameters, [1f, 1f]);

        Assert.Equal([0.25f, -3f], parameters);
    }

    [Fact]
    public void AdamW_defaults_follow_PyTorch()
    {
        var optimizer = new AdamW(4);

        Assert.Equal(1e-3f, optimizer.LearningRate);
        Assert.Equal(0.01, optimizer.WeightDecay);
        Assert.True(optimizer.DecoupledWeightDecay);
        Assert.Equal(0.9, optimizer.Beta1);
        Assert.Equal(0.999, optimizer.Beta2);
        Assert.Equal(1e-8, optimizer.Epsilon);
    }

    [Fact]
    public void A_warm_step_allocates_nothing()
    {
        const int count = 4099;
        var optimizer = new Adam(count, weightDecay: 0.01);
        var parameters = OptimizerTestData.InitialParameters(count);
        var gradients = OptimizerTestData.Gradients(count, 1);
        optimizer.Step(parameters, gradients);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            optimizer.Step(parameters, gradients);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Spans_of_the_wrong_length_are_rejected_with_advice()
    {
        var optimizer = new Adam(4);

        var error = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[4], new float[3]));

        Assert.Contains("made for 4 parameters", error.Message);
        Assert.Contains("ParameterCount", error.Message);
        Assert.Equal(0L, optimizer.StepCount);
    }

    [Theory]
    [InlineData(-1f, 0.9, 0.999, 1e-8, 0.0)]
    [InlineData(float.NaN, 0.9, 0.999, 1e-8, 0.0)]
    [InlineData(1e-3f, 1.0, 0.999, 1e-8, 0.0)]
    [InlineData(1e-3f, 0.9, -0.1, 1e-8, 0.0)]
    [InlineData(1e-3f, 0.9, 0.999, -1e-8, 0.0)]
    [InlineData(1e-3f, 0.9, 0.999, 1e-8, -0.5)]
    public void Bad_hyperparameters_are_rejected(float learningRate, double beta1, double beta2, double epsilon, double weightDecay)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(4, learningRate, beta1, beta2, epsilon, weightDecay));
    }

    [Fact]
    public void A_negative_learning_rate_cannot_be_set_later()
    {
        var optimizer = new Adam(4);

        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = -0.1f);
        Assert.Equal(1e-3f, optimizer.LearningRate);
    }

    private static float[] Run(IOptimizer optimizer, int count, int steps)
    {
        var parameters = OptimizerTestData.InitialParameters(count);
        for (var t = 1; t <= steps; t++)
        {
            optimizer.Step(parameters, OptimizerTestData.Gradients(count, t));
        }
        Assert.Equal(steps, optimizer.StepCount);
        return parameters;
    }
}
