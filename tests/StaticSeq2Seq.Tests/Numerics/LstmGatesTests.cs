using StaticSeq2Seq.Numerics;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// <see cref="LstmGates.Forward"/> against torch.nn.LSTM's gate formulas evaluated one unit at a time in double
/// precision, and against the same formulas with <see cref="Activations"/>' scalar functions, bit for bit, on hidden
/// sizes that use every vector width and the scalar tail. Runs on whichever path the machine and the DOTNET_
/// environment variables select.
/// </summary>
public sealed class LstmGatesTests
{
    public static TheoryData<int> HiddenSizes => new() { 1, 5, 8, 13, 16, 24, 31, 64, 256 };

    [Theory]
    [MemberData(nameof(HiddenSizes))]
    public void Forward_matches_the_lstm_formulas_unit_by_unit(int size)
    {
        var random = new Random(size);
        var gi = UniformValues.Draw(random, 4 * size, 4);
        var gh = UniformValues.Draw(random, 4 * size, 4);
        var c = UniformValues.Draw(random, size, 2);
        var gates = (float[])gi.Clone();
        var cNext = new float[size];
        var hNext = new float[size];

        LstmGates.Forward(gates, gh, c, cNext, hNext);

        for (int k = 0; k < size; k++)
        {
            double i = Logistic(gi[k] + (double)gh[k]);
            double f = Logistic(gi[size + k] + (double)gh[size + k]);
            double g = Math.Tanh(gi[2 * size + k] + (double)gh[2 * size + k]);
            double o = Logistic(gi[3 * size + k] + (double)gh[3 * size + k]);
            double cell = f * c[k] + i * g;
            Assert.Equal(i, gates[k], 3e-7);
            Assert.Equal(f, gates[size + k], 3e-7);
            Assert.Equal(g, gates[2 * size + k], 3e-7);
            Assert.Equal(o, gates[3 * size + k], 3e-7);
            Assert.Equal(cell, cNext[k], 2e-6);
            Assert.Equal(o * Math.Tanh(cell), hNext[k], 2e-6);

            float iF = Activations.Sigmoid(gi[k] + gh[k]);
            float fF = Activations.Sigmoid(gi[size + k] + gh[size + k]);
            float gF = Activations.Tanh(gi[2 * size + k] + gh[2 * size + k]);
            float oF = Activations.Sigmoid(gi[3 * size + k] + gh[3 * size + k]);
            float cF = MathF.FusedMultiplyAdd(fF, c[k], iF * gF);
            Assert.Equal(iF, gates[k]);
            Assert.Equal(fF, gates[size + k]);
            Assert.Equal(gF, gates[2 * size + k]);
            Assert.Equal(oF, gates[3 * size + k]);
            Assert.Equal(cF, cNext[k]);
            Assert.Equal(oF * Activations.Tanh(cF), hNext[k]);
        }
    }

    [Fact]
    public void The_next_cell_state_may_overwrite_the_cell_state()
    {
        var random = new Random(4);
        var gi = UniformValues.Draw(random, 4 * 40, 3);
        var gh = UniformValues.Draw(random, 4 * 40, 3);
        var c = UniformValues.Draw(random, 40, 1);
        var expected = new float[40];
        LstmGates.Forward((float[])gi.Clone(), gh, c, expected, new float[40]);

        LstmGates.Forward(gi, gh, c, c, new float[40]);

        Assert.Equal(expected, c);
    }

    [Fact]
    public void Short_spans_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => LstmGates.Forward(new float[31], new float[32], new float[8], new float[8], new float[8]));
        Assert.Equal("gates", error.ParamName);
        Assert.Contains("a hidden size of 8 needs 32", error.Message);
        Assert.Equal("cNext", Assert.Throws<ArgumentException>(() => LstmGates.Forward(new float[32], new float[32], new float[8], new float[7], new float[8])).ParamName);
    }

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));
}
