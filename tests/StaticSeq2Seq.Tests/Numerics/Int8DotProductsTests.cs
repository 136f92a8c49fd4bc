using StaticSeq2Seq.Numerics;
using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// Int8 weights with int8 activations (<see cref="DecodeWeightFormat.Int8Dynamic"/>): the packing against the plain
/// row quantization, the activations' quantization against its definition, and the generated kernels on sizes that fill
/// blocks of 64 and 32 outputs, single vectors of 16, 8 and 4 and scalar tails, with inputs that are and are not a multiple of
/// four (72 × 144, 48 × 144, 48 × 48, 48 × 37, 7 × 28, 14 × 7, 7 × 13; on AVX-512BW 144 is two blocks and a vector of
/// 16, 28 a vector of 16, one of 8 and a scalar tail of 4, 13 one of 8 and 5 scalar). The integer sums are exact, so
/// each output must be, to the bit, one fused multiply-add of the exact sum with scale · xScale and the bias, written
/// out here plainly, on whichever path (AVX-VNNI, AVX-512BW, AVX2, SSSE3, scalar) the machine and the DOTNET_
/// environment variables select; and within float rounding of the double loop over the dequantized weights and
/// activations.
/// </summary>
public sealed class Int8DotProductsTests
{
    private delegate void Forward(ReadOnlySpan<sbyte> weight, ReadOnlySpan<float> scale, ReadOnlySpan<int> zeroPointTerms, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y);

    private sealed record Kernel(int In, int Out, Forward Forward);

    private static Kernel Get(string name) => name switch
    {
        "72x144" => new(72, 144, Int8DynamicBahdanauGru2.DenseKernels.Linear72x144Int8Dynamic),
        "48x144" => new(48, 144, Int8DynamicBahdanauGru2.DenseKernels.Linear48x144Int8Dynamic),
        "48x48" => new(48, 48, Int8DynamicBahdanauGru2.DenseKernels.Linear48x48Int8Dynamic),
        "48x37" => new(48, 37, Int8DynamicBahdanauGru2.DenseKernels.Linear48x37Int8Dynamic),
        "7x28" => new(7, 28, Int8DynamicLuongGeneralLstm2.DenseKernels.Linear7x28Int8Dynamic),
        "14x7" => new(14, 7, Int8DynamicLuongGeneralLstm2.DenseKernels.Linear14x7Int8Dynamic),
        "7x13" => new(7, 13, Int8DynamicLuongGeneralLstm2.DenseKernels.Linear7x13Int8Dynamic),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a kernel under test."),
    };

    public static TheoryData<string> Kernels => new() { "72x144", "48x144", "48x48", "48x37", "7x28", "14x7", "7x13" };

    [Theory]
    [InlineData(3, 5)]
    [InlineData(8, 16)]
    [InlineData(7, 13)]
    [InlineData(9, 64)]
    [InlineData(6, 150)]
    public void Packing_puts_each_outputs_four_weights_of_a_group_side_by_side_panel_by_panel(int inputs, int outputs)
    {
        var random = new Random(inputs * 100 + outputs);
        var transposed = Draw(random, inputs * outputs);
        var quantized = new sbyte[inputs * outputs];
        var expectedScales = new float[outputs];
        Int8Quantization.QuantizeRows(transposed, inputs, outputs, quantized, expectedScales);
        var groups = (inputs + 3) / 4;
        // A guard past the packed bytes and the rows must stay untouched.
        var packed = Enumerable.Repeat((sbyte)99, groups * 4 * outputs + 1).ToArray();
        var scales = new float[outputs + 1];
        scales[^1] = -1f;
        var terms = new int[outputs + 1];
        terms[^1] = 7;

        Int8DotProducts.PackRows(transposed, inputs, outputs, packed, scales, terms);

        Assert.Equal(groups * 4 * outputs, Int8DotProducts.PackedLength(inputs, outputs));
        Assert.Equal(expectedScales, scales[..outputs]);
        for (var o = 0; o < outputs; o++)
        {
            var sum = 0;
            for (var j = 0; j < groups * 4; j++)
            {
                // Panels of 64 outputs, each whole before the next; within one of width w starting at output p,
                // group j / 4, output o, place j % 4 is at p * groups * 4 + ((j / 4) * w + o - p) * 4 + j % 4.
                var panel = o / 64 * 64;
                var width = Math.Min(64, outputs - panel);
                var expected = j < inputs ? quantized[j * outputs + o] : 0;
                Assert.Equal(expected, packed[panel * groups * 4 + (j / 4 * width + o - panel) * 4 + j % 4]);
                sum += expected;
            }
            Assert.Equal(-64 * sum, terms[o]);
        }
        Assert.Equal(99, packed[^1]);
        Assert.Equal(-1f, scales[^1]);
        Assert.Equal(7, terms[^1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(384)]
    public void Activations_are_rounded_in_units_of_a_63rd_of_the_largest_magnitude(int length)
    {
        var random = new Random(length);
        var x = Draw(random, length).Select(v => v * 3f).ToArray();
        var largest = x.Max(Math.Abs);
        var quantized = new byte[length + 1];
        quantized[^1] = 77;

        var scale = Int8DotProducts.QuantizeActivations(x, quantized);

        Assert.Equal(largest / 63f, scale);
        for (var i = 0; i < length; i++)
        {
            // The nearest whole number of units, up to float rounding of x · 63 / max |x|.
            var units = x[i] * 63.0 / largest;
            var q = quantized[i] - 64;
            Assert.True(Math.Abs(q) <= 63, $"element {i}: {q} units");
            Assert.True(Math.Abs(q - units) <= 0.5 + 1e-5, $"element {i}: {q} units against {units}.");
        }
        Assert.Equal(77, quantized[^1]);
    }

    /// <summary>The largest magnitude, negative or positive, at each lane of each vector width and in the scalar tail.</summary>
    [Fact]
    public void The_scale_follows_the_largest_magnitude_wherever_it_is()
    {
        var quantized = new byte[40];
        for (var position = 0; position < 40; position++)
        {
            foreach (var largest in new[] { -5f, 5f })
            {
                var x = Enumerable.Range(0, 40).Select(i => (i % 7 - 3) * 0.25f).ToArray();
                x[position] = largest;
                Assert.Equal(5f / 63f, Int8DotProducts.QuantizeActivations(x, quantized));
                Assert.Equal(largest < 0 ? 1 : 127, quantized[position]);
            }
        }
    }

    [Fact]
    public void A_vector_smaller_than_two_to_the_minus_120_quantizes_to_zeros_with_scale_zero()
    {
        Assert.True(MathF.ScaleB(1f, -120) == Int8DotProducts.SmallestQuantizedMagnitude, "The threshold is 2^-120.");
        var quantized = new byte[20];
        var x = Enumerable.Range(0, 20).Select(i => (i - 9) * 1e-38f).ToArray();
        Assert.Equal(0f, Int8DotProducts.QuantizeActivations(x, quantized));
        Assert.All(quantized, q => Assert.Equal(64, q));

        x[3] = -MathF.ScaleB(1f, -120);
        Assert.Equal(MathF.ScaleB(1f, -120) / 63f, Int8DotProducts.QuantizeActivations(x, quantized));
        Assert.Equal(1, quantized[3]);
        Assert.Equal(64, quantized[9]);
    }

    [Fact]
    public void Ties_round_to_even()
    {
        // The largest magnitude 63 makes the scale 1, so these are exact ties in units of it.
        float[] x = [63f, 2.5f, -3.5f, 0.5f, -0.5f, 1.5f, 62.5f, -63f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, -2.5f];
        var quantized = new byte[x.Length];

        Assert.Equal(1f, Int8DotProducts.QuantizeActivations(x, quantized));

        Assert.Equal(new byte[] { 127, 66, 60, 64, 64, 66, 126, 1, 67, 68, 69, 70, 71, 72, 73, 74, 62 }, quantized);
    }

    [Fact]
    public void A_zero_vector_gets_scale_zero_and_a_non_finite_one_NaN_with_every_byte_the_zero_point()
    {
        var quantized = new byte[20];
        Assert.Equal(0f, Int8DotProducts.QuantizeActivations(new float[20], quantized));
        Assert.All(quantized, q => Assert.Equal(64, q));

        var x = Enumerable.Range(0, 20).Select(i => i * 0.1f).ToArray();
        x[17] = float.PositiveInfinity;
        Assert.True(float.IsNaN(Int8DotProducts.QuantizeActivations(x, quantized)));
        Assert.All(quantized, q => Assert.Equal(64, q));
        x[17] = float.NaN;
        Assert.True(float.IsNaN(Int8DotProducts.QuantizeActivations(x, quantized)));
    }

    /// <summary>Each position of a vector lane and of the scalar tail, where the largest magnitude is found in different code.</summary>
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_non_finite_value_at_any_position_makes_the_scale_NaN(float value)
    {
        var quantized = new byte[20];
        for (var position = 0; position < 20; position++)
        {
            var x = Enumerable.Range(0, 20).Select(i => (i - 9) * 0.1f).ToArray();
            x[position] = value;
            Assert.True(float.IsNaN(Int8DotProducts.QuantizeActivations(x, quantized)), $"{value} at {position}");
            Assert.All(quantized, q => Assert.Equal(64, q));
        }
    }

    [Fact]
    public void Short_spans_are_refused_with_what_they_need()
    {
        var error = Assert.Throws<ArgumentException>(() => Int8DotProducts.QuantizeActivations(new float[5], new byte[4]));
        Assert.Contains("need 5 bytes", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => Int8DotProducts.PackRows(new float[6], 3, 2, new sbyte[7], new float[2], new int[2]));
        Assert.Contains("8 packed bytes", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => Int8DotProducts.PackRows(new float[6], 3, 2, new sbyte[8], new float[2], new int[1]));
        Assert.Contains("needs 2 zero-point terms", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Forward_is_the_exact_integer_sum_scaled_once_and_near_the_double_loop(string name)
    {
        var kernel = Get(name);
        var random = new Random(23);
        var groups = (kernel.In + 3) / 4;
        for (var trial = 0; trial < 5; trial++)
        {
            var transposed = Draw(random, kernel.In * kernel.Out);
            var packed = new sbyte[groups * 4 * kernel.Out];
            var scale = new float[kernel.Out];
            var terms = new int[kernel.Out];
            Int8DotProducts.PackRows(transposed, kernel.In, kernel.Out, packed, scale, terms);
            var bias = Draw(random, kernel.Out);
            var x = Draw(random, kernel.In);
            var quantized = new byte[kernel.In];
            var xScale = Int8DotProducts.QuantizeActivations(x, quantized);
            var y = Enumerable.Repeat(float.NaN, kernel.Out + 1).ToArray();

            kernel.Forward(packed, scale, terms, bias, x, y);

            for (var o = 0; o < kernel.Out; o++)
            {
                long exact = 0;
                double sum = bias[o], magnitude = Math.Abs(bias[o]);
                for (var j = 0; j < kernel.In; j++)
                {
                    int q = Int8Quantization.Quantize(transposed[j * kernel.Out + o], scale[o]);
                    var xq = quantized[j] - 64;
                    exact += q * xq;
                    double product = q * (double)scale[o] * (xq * (double)xScale);
                    sum += product;
                    magnitude += Math.Abs(product);
                }
                var expected = MathF.FusedMultiplyAdd(exact, scale[o] * xScale, bias[o]);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[o]),
                    $"{name}, output {o}: {y[o]} against the exact sum scaled once, {expected}.");
                // The exact sum rounded to float, the factor rounded, one rounding in the multiply-add.
                var tolerance = 4 * magnitude * Math.Pow(2, -24);
                Assert.True(Math.Abs(y[o] - sum) <= tolerance, $"{name}, output {o}: {y[o]} against the double loop's {sum} (tolerance {tolerance:E2}).");
            }
            Assert.True(float.IsNaN(y[kernel.Out]), $"{name} wrote past its {kernel.Out} outputs.");
        }
    }

    /// <summary>
    /// The product called directly on sizes the generated kernels under test do not have: panels of 64 with a narrower
    /// last one of 36 (a block of 32 and a vector of 4 inside it on AVX2) or of 16, 2000 outputs (31 panels and 16), and
    /// without a bias.
    /// </summary>
    [Theory]
    [InlineData(13, 100, true)]
    [InlineData(40, 80, false)]
    [InlineData(256, 2000, true)]
    [InlineData(5, 36, false)]
    public void Multiply_is_the_exact_integer_sum_scaled_once_on_any_size(int inputs, int outputs, bool withBias)
    {
        var random = new Random(inputs + outputs);
        var transposed = Draw(random, inputs * outputs);
        var packed = new sbyte[Int8DotProducts.PackedLength(inputs, outputs)];
        var scale = new float[outputs];
        var terms = new int[outputs];
        Int8DotProducts.PackRows(transposed, inputs, outputs, packed, scale, terms);
        var bias = withBias ? Draw(random, outputs) : [];
        var x = Draw(random, inputs);
        var quantized = new byte[Int8DotProducts.Groups(inputs) * 4];
        var xScale = Int8DotProducts.QuantizeActivations(x, quantized);
        var y = Enumerable.Repeat(float.NaN, outputs + 1).ToArray();

        Int8DotProducts.Multiply(packed, scale, terms, bias, quantized, xScale, y, inputs, outputs);

        for (var o = 0; o < outputs; o++)
        {
            long exact = 0;
            for (var j = 0; j < inputs; j++)
            {
                exact += Int8Quantization.Quantize(transposed[j * outputs + o], scale[o]) * (quantized[j] - 64);
            }
            var expected = withBias ? MathF.FusedMultiplyAdd(exact, scale[o] * xScale, bias[o]) : exact * (scale[o] * xScale);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[o]),
                $"{inputs} x {outputs}, output {o}: {y[o]} against the exact sum scaled once, {expected}.");
        }
        Assert.True(float.IsNaN(y[outputs]), $"{inputs} x {outputs} wrote past its outputs.");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Saturated_weights_and_activations_sum_without_overflow(string name)
    {
        // Every weight +127 or every weight -127, and every activation at the largest magnitude (bytes 127 or 1): the
        // extreme sums, on every path, including vpmaddubsw's 16-bit pairs, which saturate past 32,767.
        var kernel = Get(name);
        var groups = (kernel.In + 3) / 4;
        var packed = new sbyte[groups * 4 * kernel.Out];
        var scale = new float[kernel.Out];
        var terms = new int[kernel.Out];
        var bias = new float[kernel.Out];
        var y = new float[kernel.Out];
        foreach (var weightSign in new[] { 1f, -1f })
        {
            var transposed = Enumerable.Repeat(weightSign, kernel.In * kernel.Out).ToArray();
            Int8DotProducts.PackRows(transposed, kernel.In, kernel.Out, packed, scale, terms);
            foreach (var sign in new[] { 1f, -1f })
            {
                var x = Enumerable.Repeat(sign * 2f, kernel.In).ToArray();
                kernel.Forward(packed, scale, terms, bias, x, y);
                var expected = MathF.FusedMultiplyAdd(weightSign * sign * 127 * 63 * kernel.In, 1f / 127 * (2f / 63), 0f);
                Assert.All(y, value => Assert.Equal(expected, value));
            }
        }
    }

    private static float[] Draw(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
}
