using StaticSeq2Seq.Numerics;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// <see cref="GruGates.Forward"/> against torch.nn.GRU's gate formulas evaluated one unit at a time in double precision,
/// and against the same formulas with <see cref="Activations"/>' scalar functions, bit for bit, on hidden sizes that
/// use every vector width and the scalar tail. Runs on whichever path the machine and the DOTNET_ environment variables
/// select.
/// </summary>
public sealed class GruGatesTests
{
    public static TheoryData<int> HiddenSizes => new() { 1, 5, 8, 13, 16, 24, 31, 64, 256 };

    [Theory]
    [MemberData(nameof(HiddenSizes))]
    public void Forward_matches_the_gru_formulas_unit_by_unit(int size)
    {
        var random = new Random(size);
        var gi = UniformValues.Draw(random, 3 * size, 4);
        var gh = UniformValues.Draw(random, 3 * size, 4);
        var h = UniformValues.Draw(random, size, 1);
        var gates = (float[])gi.Clone();
        var hiddenN = new float[size];
        var hNext = new float[size];

        GruGates.Forward(gates, gh, h, hiddenN, hNext);

        for (int k = 0; k < size; k++)
        {
            // Double precision with exact functions: the approximations' bounds, carried through the cell.
            double r = Logistic(gi[k] + (double)gh[k]);
            double z = Logistic(gi[size + k] + (double)gh[size + k]);
            double n = Math.Tanh(gi[2 * size + k] + r * gh[2 * size + k]);
            Assert.Equal(r, gates[k], 3e-7);
            Assert.Equal(z, gates[size + k], 3e-7);
            Assert.Equal(n, gates[2 * size + k], 1e-6);
            Assert.Equal((1 - z) * n + z * h[k], hNext[k], 2e-6);
            Assert.Equal(gh[2 * size + k], hiddenN[k]);

            // The same operations in float, one unit at a time: every width must give these bits.
            float rf = Activations.Sigmoid(gi[k] + gh[k]);
            float zf = Activations.Sigmoid(gi[size + k] + gh[size + k]);
            float nf = Activations.Tanh(MathF.FusedMultiplyAdd(rf, gh[2 * size + k], gi[2 * size + k]));
            Assert.Equal(rf, gates[k]);
            Assert.Equal(zf, gates[size + k]);
            Assert.Equal(nf, gates[2 * size + k]);
            Assert.Equal(MathF.FusedMultiplyAdd(zf, h[k] - nf, nf), hNext[k]);
        }
    }

    [Fact]
    public void The_next_state_may_overwrite_the_state()
    {
        var random = new Random(3);
        var gh = UniformValues.Draw(random, 3 * 40, 3);
        var gi = UniformValues.Draw(random, 3 * 40, 3);
        var h = UniformValues.Draw(random, 40, 1);
        var expected = new float[40];
        GruGates.Forward((float[])gi.Clone(), gh, h, new float[40], expected);

        GruGates.Forward(gi, gh, h, new float[40], h);

        Assert.Equal(expected, h);
    }

    [Fact]
    public void Short_spans_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => GruGates.Forward(new float[3 * 8], new float[3 * 8 - 1], new float[8], new float[8], new float[8]));
        Assert.Equal("gatesHh", error.ParamName);
        Assert.Contains("a hidden size of 8 needs 24", error.Message);
        Assert.Equal("hNext", Assert.Throws<ArgumentException>(() => GruGates.Forward(new float[24], new float[24], new float[8], new float[8], new float[7])).ParamName);
    }

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));
}
