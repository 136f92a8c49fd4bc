using StaticSeq2Seq.Optimization;
using Xunit;

namespace StaticSeq2Seq.Tests.Optimization;

public sealed class SgdMomentumTests
{
    private const int PyTorchCount = 11;
    private const int PyTorchSteps = 5;

    // Printed by PyTorch 1.13 running pytorch_reference.py in this folder: torch.optim.SGD(lr=0.05, momentum=0.9)
    // and SGD(lr=0.05, momentum=0.9, weight_decay=0.01) on OptimizerTestData's parameters and gradients, after 5 steps.
    private static readonly double[] PyTorchSgd =
    [
        0.380430698, 0.364276499, 0.41377914, 0.453066766, 0.390708506, 0.174907252,
        -0.166104659, -0.525006711, -0.763028264, -0.783212185, -0.591085911,
    ];

    private static readonly double[] PyTorchSgdWeightDecay =
    [
        0.377590954, 0.361964405, 0.411721885, 0.451157808, 0.389127314, 0.174082249,
        -0.165694609, -0.523100019, -0.75977236, -0.779156089, -0.586948574,
    ];

    [Fact]
    public void Matches_PyTorch_SGD_with_momentum()
    {
        var parameters = Run(new SgdMomentum(PyTorchCount, learningRate: 0.05f, momentum: 0.9), PyTorchCount, PyTorchSteps);
        OptimizerTestData.AssertClose(PyTorchSgd, parameters, 1e-6);
    }

    [Fact]
    public void Matches_PyTorch_SGD_with_momentum_and_weight_decay()
    {
        var parameters = Run(new SgdMomentum(PyTorchCount, learningRate: 0.05f, momentum: 0.9, weightDecay: 0.01), PyTorchCount, PyTorchSteps);
        OptimizerTestData.AssertClose(PyTorchSgdWeightDecay, parameters, 1e-6);
    }

    [Theory]
    [InlineData(0.9, 0.0)]
    [InlineData(0.5, 0.02)]
    [InlineData(0.0, 0.0)]
    public void Matches_double_precision_reference_over_many_parameters_and_steps(double momentum, double weightDecay)
    {
        const int count = 1003;
        const int steps = 30;
        var parameters = Run(new SgdMomentum(count, 0.01f, momentum, weightDecay), count, steps);

        var expected = ReferenceOptimizers.Sgd(
            OptimizerTestData.InitialParameters(count), steps, t => OptimizerTestData.Gradients(count, t),
            lr: 0.01f, momentum: momentum, weightDecay: weightDecay);
        OptimizerTestData.AssertClose(expected, parameters, 1e-5);
    }

    [Fact]
    public void The_momentum_buffer_and_parameters_follow_a_hand_computation()
    {
        // Hand computation, lr 0.1, momentum 0.5, gradients 2 then 4:
        // step 1: buf = 2, θ = 1 - 0.2 = 0.8;  step 2: buf = 0.5·2 + 4 = 5, θ = 0.8 - 0.5 = 0.3.
        var optimizer = new SgdMomentum(1, learningRate: 0.1f, momentum: 0.5);
        float[] parameters = [1f];

        optimizer.Step(parameters, [2f]);
        Assert.Equal(0.8f, parameters[0], 6);
        Assert.Equal(2f, optimizer.MomentumBuffer[0]);

        optimizer.Step(parameters, [4f]);
        Assert.Equal(0.3f, parameters[0], 6);
        Assert.Equal(5f, optimizer.MomentumBuffer[0]);
        Assert.Equal(2L, optimizer.StepCount);
    }

    [Fact]
    public void A_warm_step_allocates_nothing()
    {
        const int count = 4099;
        var optimizer = new SgdMomentum(count, 0.01f, weightDecay: 0.001);
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
    public void Spans_of_the_wrong_length_are_rejected()
    {
        var optimizer = new SgdMomentum(4, 0.1f);

        Assert.Throws<ArgumentException>(() => optimizer.Step(new float[5], new float[5]));
        Assert.Equal(0L, optimizer.StepCount);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_momentum_outside_zero_to_one_is_rejected(double momentum)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SgdMomentum(4, 0.1f, momentum));
    }

    private static float[] Run(IOptimizer optimizer, int count, int steps)
    {
        var parameters = OptimizerTestData.InitialParameters(count);
        for (var t = 1; t <= steps; t++)
        {
            optimizer.Step(parameters, OptimizerTestData.Gradients(count, t));
        }
        return parameters;
    }
}
