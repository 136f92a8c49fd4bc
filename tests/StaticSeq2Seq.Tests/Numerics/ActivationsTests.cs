using StaticSeq2Seq.Numerics;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// <see cref="Activations"/> against double-precision <see cref="Math.Tanh"/> and 1 / (1 + e^-x) over a dense sweep of
/// inputs, and its span forms against its scalar form on lengths that use every vector width and the scalar tail. Runs
/// on whichever path the machine and the DOTNET_ environment variables select.
/// </summary>
public sealed class ActivationsTests
{
    private static float[] Sweep()
    {
        // Past both clamps (tanh's ±7.9, sigmoid's ±15.8), with a fine step near zero where tanh(x) ≈ x.
        var values = new List<float>();
        for (double x = -20; x <= 20; x += 0.000731)
        {
            values.Add((float)x);
        }
        for (double x = -1e-3; x <= 1e-3; x += 1.3e-7)
        {
            values.Add((float)x);
        }
        values.AddRange([0f, -0f, 1e-30f, -1e-30f, float.Epsilon, 7.90531110763549805f, -7.90531110763549805f, 100f, -100f, float.MaxValue, float.MinValue]);
        return values.ToArray();
    }

    [Fact]
    public void Tanh_is_within_2_8e_7_of_double_tanh_and_within_a_few_ulp_of_small_inputs()
    {
        var x = Sweep();
        var y = new float[x.Length];
        Activations.Tanh(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Tanh(x[i]);
            Assert.True(Math.Abs(y[i] - exact) <= 2.8e-7, $"tanh({x[i]:R}) = {y[i]:R}, exact {exact:R}");
            // Relative accuracy where |tanh| is small, so that tanh(x) ≈ x keeps its digits near zero.
            if (Math.Abs(exact) < 0.5)
            {
                Assert.True(Math.Abs(y[i] - exact) <= 4 * Ulp((float)exact), $"tanh({x[i]:R}) = {y[i]:R}, exact {exact:R}");
            }
            Assert.True(Math.Abs(y[i]) <= 1f, $"|tanh({x[i]:R})| = {y[i]:R} > 1");
        }
    }

    [Fact]
    public void Sigmoid_is_within_1_7e_7_of_the_double_logistic()
    {
        var x = Sweep();
        var y = new float[x.Length];
        Activations.Sigmoid(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = 1 / (1 + Math.Exp(-(double)x[i]));
            Assert.True(Math.Abs(y[i] - exact) <= 1.7e-7, $"sigmoid({x[i]:R}) = {y[i]:R}, exact {exact:R}");
            Assert.InRange(y[i], 0f, 1f);
        }
    }

    [Fact]
    public void Tanh_is_odd_and_sigmoid_is_symmetric_about_one_half()
    {
        var x = Sweep();
        foreach (var value in x)
        {
            Assert.Equal(-Activations.Tanh(value), Activations.Tanh(-value));
            Assert.Equal(1.0, Activations.Sigmoid(value) + (double)Activations.Sigmoid(-value), 1e-7);
        }
    }

    [Fact]
    public void Special_values_give_nan_and_the_limits()
    {
        Assert.True(float.IsNaN(Activations.Tanh(float.NaN)));
        Assert.True(float.IsNaN(Activations.Sigmoid(float.NaN)));
        // Past the clamp every input gives the clamp's value, within the stated bounds of the limits.
        Assert.Equal(Activations.Tanh(7.90531110763549805f), Activations.Tanh(float.PositiveInfinity));
        Assert.Equal(Activations.Tanh(-7.90531110763549805f), Activations.Tanh(float.NegativeInfinity));
        Assert.Equal(1.0, Activations.Tanh(float.PositiveInfinity), 2.8e-7);
        Assert.Equal(-1.0, Activations.Tanh(float.NegativeInfinity), 2.8e-7);
        Assert.Equal(1.0, Activations.Sigmoid(float.PositiveInfinity), 1.7e-7);
        Assert.Equal(0.0, Activations.Sigmoid(float.NegativeInfinity), 1.7e-7);

        // The same through every vector width: a NaN in each lane position of a 16-, 8- and scalar-handled stretch.
        for (int position = 0; position < 27; position++)
        {
            var x = new float[27];
            x[position] = float.NaN;
            var y = new float[27];
            Activations.Tanh(x, y);
            Assert.True(float.IsNaN(y[position]), $"tanh lost the NaN at {position}");
            Activations.Sigmoid(x, y);
            Assert.True(float.IsNaN(y[position]), $"sigmoid lost the NaN at {position}");
            Assert.True(float.IsNaN(Activations.DotTanhOfSum(Ones(27), x, new float[27])), $"the score lost the NaN at {position}");
        }
    }

    public static TheoryData<int> Lengths => new() { 1, 7, 8, 15, 16, 23, 24, 31, 64, 77, 256, 768 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Span_forms_give_the_scalar_forms_bits_at_every_position(int length)
    {
        var random = new Random(length);
        var x = UniformValues.Draw(random, length, 6);
        var k = UniformValues.Draw(random, length, 6);
        var tanh = new float[length];
        var sigmoid = new float[length];
        var tanhOfSum = new float[length];
        Activations.Tanh(x, tanh);
        Activations.Sigmoid(x, sigmoid);
        Activations.TanhOfSum(x, k, tanhOfSum);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(Activations.Tanh(x[i])), BitConverter.SingleToInt32Bits(tanh[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(Activations.Sigmoid(x[i])), BitConverter.SingleToInt32Bits(sigmoid[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(Activations.Tanh(x[i] + k[i])), BitConverter.SingleToInt32Bits(tanhOfSum[i]));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotTanhOfSum_is_the_double_sum_of_the_weighted_tanh_values(int length)
    {
        var random = new Random(100 + length);
        var w = UniformValues.Draw(random, length, 1);
        var q = UniformValues.Draw(random, length, 2);
        var key = UniformValues.Draw(random, length, 2);
        var e = new float[length];
        Activations.TanhOfSum(q, key, e);
        double expected = 0, magnitude = 0;
        for (int i = 0; i < length; i++)
        {
            expected += (double)w[i] * e[i];
            magnitude += Math.Abs((double)w[i] * e[i]);
        }
        Assert.Equal(expected, Activations.DotTanhOfSum(w, q, key), length * 6e-8 * magnitude + 1e-30);
    }

    [Fact]
    public void In_place_use_is_allowed_and_short_spans_are_refused_by_name()
    {
        var x = UniformValues.Draw(new Random(5), 40, 3);
        var expected = x.Select(Activations.Tanh).ToArray();
        Activations.Tanh(x, x);
        Assert.Equal(expected, x);

        var error = Assert.Throws<ArgumentException>(() => Activations.Tanh(new float[9], new float[8]));
        Assert.Equal("destination", error.ParamName);
        Assert.Contains("holds 8 values but the first input has 9", error.Message);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => Activations.TanhOfSum(new float[9], new float[8], new float[9])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => Activations.DotTanhOfSum(new float[9], new float[8], new float[9])).ParamName);
    }

    private static float[] Ones(int length) => Enumerable.Repeat(1f, length).ToArray();

    private static double Ulp(float value) => MathF.BitIncrement(MathF.Abs(value)) - MathF.Abs(value);
}
