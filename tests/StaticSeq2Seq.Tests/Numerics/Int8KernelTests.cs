using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// The dense kernels with int8 weights and row scales that decoding runs, against a plain double loop over the
/// dequantized weights (q * scale), on sizes that fill whole blocks, part of a block and leave scalar columns on each
/// SIMD width (72 × 144, 48 × 144, 48 × 48, 48 × 37, 7 × 28, 14 × 7, 7 × 13). Runs on whichever path the machine and
/// the DOTNET_ environment variables select.
/// </summary>
public sealed class Int8KernelTests
{
    private delegate void Int8Forward(ReadOnlySpan<sbyte> weight, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y);

    private sealed record Kernel(int In, int Out, Int8Forward Forward);

    private static Kernel Get(string name) => name switch
    {
        "72x144" => new(72, 144, Int8BahdanauGru2.DenseKernels.Linear72x144Int8),
        "48x144" => new(48, 144, Int8BahdanauGru2.DenseKernels.Linear48x144Int8),
        "48x48" => new(48, 48, Int8BahdanauGru2.DenseKernels.Linear48x48Int8),
        "48x37" => new(48, 37, Int8BahdanauGru2.DenseKernels.Linear48x37Int8),
        "7x28" => new(7, 28, Int8LuongGeneralLstm2.DenseKernels.Linear7x28Int8),
        "14x7" => new(14, 7, Int8LuongGeneralLstm2.DenseKernels.Linear14x7Int8),
        "7x13" => new(7, 13, Int8LuongGeneralLstm2.DenseKernels.Linear7x13Int8),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a kernel under test."),
    };

    public static TheoryData<string> Kernels => new() { "72x144", "48x144", "48x48", "48x37", "7x28", "14x7", "7x13" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Forward_equals_the_double_loop_over_the_dequantized_weights(string name)
    {
        var kernel = Get(name);
        var random = new Random(17);
        for (var trial = 0; trial < 5; trial++)
        {
            var weight = DrawInt8(random, kernel.In * kernel.Out);
            var scale = Draw(random, kernel.Out).Select(s => 0.01f + Math.Abs(s) / 50).ToArray();
            var bias = Draw(random, kernel.Out);
            var x = Draw(random, kernel.In);
            // A guard element past the outputs must stay untouched.
            var y = Enumerable.Repeat(float.NaN, kernel.Out + 1).ToArray();

            kernel.Forward(weight, scale, bias, x, y);

            for (var o = 0; o < kernel.Out; o++)
            {
                double sum = bias[o], magnitude = Math.Abs(bias[o]);
                for (var j = 0; j < kernel.In; j++)
                {
                    // Transposed storage: input j's weights are row j, (In, Out) row-major.
                    double product = weight[j * kernel.Out + o] * (double)scale[o] * x[j];
                    sum += product;
                    magnitude += Math.Abs(product);
                }
                // Float sums of In terms, one scaling and the bias: each step rounds by at most 2^-24 of the running magnitude.
                var tolerance = (kernel.In + 2) * magnitude * Math.Pow(2, -24);
                Assert.True(Math.Abs(y[o] - sum) <= tolerance, $"{name}, output {o}: {y[o]} against the double loop's {sum} (tolerance {tolerance:E2}).");
            }
            Assert.True(float.IsNaN(y[kernel.Out]), $"{name} wrote past its {kernel.Out} outputs.");
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_zero_scale_gives_the_bias_and_a_NaN_scale_gives_NaN(string name)
    {
        // The scales Int8Quantization gives an all-zero row and a row holding a NaN or an infinity, on the first and
        // last outputs, which lie in a vector block on one path and in the scalar columns on another.
        var kernel = Get(name);
        var random = new Random(29);
        var weight = DrawInt8(random, kernel.In * kernel.Out);
        var scale = Enumerable.Repeat(0.02f, kernel.Out).ToArray();
        scale[0] = 0f;
        scale[^1] = float.NaN;
        var bias = Draw(random, kernel.Out);
        var x = Draw(random, kernel.In);
        var y = new float[kernel.Out];

        kernel.Forward(weight, scale, bias, x, y);

        Assert.Equal(bias[0], y[0]);
        Assert.True(float.IsNaN(y[^1]), $"{name}: output {kernel.Out - 1} with a NaN scale is {y[^1]}.");
        Assert.All(y[1..^1], value => Assert.True(float.IsFinite(value)));
    }

    private static float[] Draw(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();

    private static sbyte[] DrawInt8(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
}
