using StaticSeq2Seq.Numerics;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// Int8 quantization with a scale per output row against cases worked out by hand: scale = max |w| / 127, and
/// round(w / scale) to nearest with ties to even, clamped to [-127, 127]; an all-zero row gets scale 0, a row holding
/// a NaN or an infinity scale NaN, both with zeros.
/// </summary>
public sealed class Int8QuantizationTests
{
    [Theory]
    [InlineData(0.4f, 1f, 0)]
    [InlineData(0.5f, 1f, 0)] // a tie: to the even 0
    [InlineData(1.5f, 1f, 2)] // a tie: to the even 2
    [InlineData(2.5f, 1f, 2)] // a tie: to the even 2
    [InlineData(-2.5f, 1f, -2)] // negative ties the same way
    [InlineData(-3.5f, 1f, -4)]
    [InlineData(2.6f, 1f, 3)]
    [InlineData(5f, 2f, 2)] // 5 / 2 = 2.5, a tie: 2
    [InlineData(7f, 2f, 4)] // 3.5: 4
    [InlineData(127f, 1f, 127)]
    [InlineData(127.5f, 1f, 127)] // rounds to 128: clamped
    [InlineData(300f, 1f, 127)]
    [InlineData(-127.6f, 1f, -127)] // never -128: the range is symmetric
    [InlineData(-1e30f, 1f, -127)]
    [InlineData(3f, 0f, 0)] // scale 0: an all-zero row
    [InlineData(3f, float.NaN, 0)] // scale NaN: a non-finite row
    [InlineData(float.NaN, 1f, 0)]
    [InlineData(float.PositiveInfinity, 1f, 127)]
    [InlineData(float.NegativeInfinity, 1f, -127)]
    public void Quantizes_to_nearest_with_ties_to_even_and_clamps(float value, float scale, int expected)
    {
        Assert.Equal((sbyte)expected, Int8Quantization.Quantize(value, scale));
    }

    [Theory]
    [InlineData(127f, 1f)]
    [InlineData(254f, 2f)]
    [InlineData(-63.5f, 0.5f)] // a magnitude, whatever its sign
    [InlineData(0f, 0f)]
    public void The_row_scale_is_the_largest_magnitude_over_127(float maxMagnitude, float expected)
    {
        Assert.Equal(expected, Int8Quantization.RowScale(maxMagnitude));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_non_finite_magnitude_has_a_NaN_scale(float maxMagnitude)
    {
        Assert.True(float.IsNaN(Int8Quantization.RowScale(maxMagnitude)));
    }

    [Fact]
    public void Rows_are_the_columns_of_the_transposed_layout()
    {
        // W is (4 outputs, 3 inputs), stored transposed as (3, 4): input j's weights are row j.
        //   output 0: [127, 63.5, -0.5]    scale 1   -> [127, 64, 0]
        //   output 1: [-254, 5, 3]         scale 2   -> [-127, 2, 2]   (5 / 2 = 2.5 and 3 / 2 = 1.5 are ties to even)
        //   output 2: [0, 0, 0]            scale 0   -> [0, 0, 0]
        //   output 3: [1, NaN, 2]          scale NaN -> [0, 0, 0]
        float[] transposed =
        [
            127f, -254f, 0f, 1f,
            63.5f, 5f, 0f, float.NaN,
            -0.5f, 3f, 0f, 2f,
        ];
        var quantized = new sbyte[12];
        var scales = new float[5];
        scales[4] = -1f; // past the rows: untouched

        Int8Quantization.QuantizeRows(transposed, inputs: 3, outputs: 4, quantized, scales);

        Assert.Equal(new sbyte[] { 127, -127, 0, 0, 64, 2, 0, 0, 0, 2, 0, 0 }, quantized);
        Assert.Equal(1f, scales[0]);
        Assert.Equal(2f, scales[1]);
        Assert.Equal(0f, scales[2]);
        Assert.True(float.IsNaN(scales[3]));
        Assert.Equal(-1f, scales[4]);
    }

    [Fact]
    public void An_infinite_weight_makes_its_row_NaN()
    {
        float[] transposed = [float.NegativeInfinity, 63.5f, 3f, 127f];
        var quantized = new sbyte[4];
        var scales = new float[2];

        Int8Quantization.QuantizeRows(transposed, inputs: 2, outputs: 2, quantized, scales);

        Assert.True(float.IsNaN(scales[0]));
        Assert.Equal(1f, scales[1]);
        Assert.Equal(new sbyte[] { 0, 64, 0, 127 }, quantized);
    }

    [Fact]
    public void Dequantized_weights_are_within_half_a_scale()
    {
        var random = new Random(5);
        const int Inputs = 33, Outputs = 19;
        var transposed = Enumerable.Range(0, Inputs * Outputs).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var quantized = new sbyte[Inputs * Outputs];
        var scales = new float[Outputs];

        Int8Quantization.QuantizeRows(transposed, Inputs, Outputs, quantized, scales);

        for (var o = 0; o < Outputs; o++)
        {
            var largest = Enumerable.Range(0, Inputs).Max(j => Math.Abs(transposed[j * Outputs + o]));
            Assert.Equal(largest / 127, scales[o]);
            for (var j = 0; j < Inputs; j++)
            {
                var error = Math.Abs(quantized[j * Outputs + o] * (double)scales[o] - transposed[j * Outputs + o]);
                Assert.True(error <= scales[o] * (0.5 + 1e-6), $"Output {o}, input {j}: off by {error} with scale {scales[o]}.");
            }
        }
    }

    [Fact]
    public void Spans_too_short_are_rejected_with_what_they_need()
    {
        var error = Assert.Throws<ArgumentException>(() => Int8Quantization.QuantizeRows(new float[6], 2, 3, new sbyte[5], new float[3]));
        Assert.Contains("6 weights", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => Int8Quantization.QuantizeRows(new float[6], 2, 3, new sbyte[6], new float[2]));
        Assert.Contains("needs 3 scales", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Int8Quantization.QuantizeRows(new float[6], 0, 3, new sbyte[6], new float[3]));
    }
}
