using StaticSeq2Seq.Numerics;
using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// The dense kernels with bfloat16 weights that decoding runs, against a plain double loop over the widened weights,
/// on sizes that fill whole blocks, part of a block and leave scalar columns on each SIMD width (72 × 144, 48 × 144,
/// 48 × 48, 48 × 37, 7 × 28, 14 × 7, 7 × 13). Runs on whichever path the machine and the DOTNET_ environment variables
/// select.
/// </summary>
public sealed class BFloat16KernelTests
{
    private delegate void BFloat16Forward(ReadOnlySpan<ushort> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y);

    private delegate void FloatForward(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y);

    private sealed record Kernel(int In, int Out, BFloat16Forward Forward, FloatForward FloatForward);

    private static Kernel Get(string name) => name switch
    {
        "72x144" => new(72, 144, BFloat16BahdanauGru2.DenseKernels.Linear72x144BFloat16, BFloat16BahdanauGru2.DenseKernels.Linear72x144),
        "48x144" => new(48, 144, BFloat16BahdanauGru2.DenseKernels.Linear48x144BFloat16, BFloat16BahdanauGru2.DenseKernels.Linear48x144),
        "48x48" => new(48, 48, BFloat16BahdanauGru2.DenseKernels.Linear48x48BFloat16, BFloat16BahdanauGru2.DenseKernels.Linear48x48),
        "48x37" => new(48, 37, BFloat16BahdanauGru2.DenseKernels.Linear48x37BFloat16, BFloat16BahdanauGru2.DenseKernels.Linear48x37),
        "7x28" => new(7, 28, BFloat16LuongLstm2.DenseKernels.Linear7x28BFloat16, BFloat16LuongLstm2.DenseKernels.Linear7x28),
        "14x7" => new(14, 7, BFloat16LuongLstm2.DenseKernels.Linear14x7BFloat16, BFloat16LuongLstm2.DenseKernels.Linear14x7),
        "7x13" => new(7, 13, BFloat16LuongLstm2.DenseKernels.Linear7x13BFloat16, BFloat16LuongLstm2.DenseKernels.Linear7x13),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a kernel under test."),
    };

    public static TheoryData<string> Kernels => new() { "72x144", "48x144", "48x48", "48x37", "7x28", "14x7", "7x13" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Forward_equals_the_double_loop_over_the_widened_weights(string name)
    {
        var kernel = Get(name);
        var random = new Random(17);
        for (var trial = 0; trial < 5; trial++)
        {
            var weight = DrawBFloat16(random, kernel.In * kernel.Out);
            var bias = Draw(random, kernel.Out);
            var x = Draw(random, kernel.In);
            // A guard element past the outputs must stay untouched.
            var y = Enumerable.Repeat(float.NaN, kernel.Out + 1).ToArray();

            kernel.Forward(weight, bias, x, y);

            for (var o = 0; o < kernel.Out; o++)
            {
                double sum = bias[o], magnitude = Math.Abs(bias[o]);
                for (var j = 0; j < kernel.In; j++)
                {
                    // Transposed storage: input j's weights are row j, (In, Out) row-major.
                    double product = (double)BFloat16Rounding.Widen(weight[j * kernel.Out + o]) * x[j];
                    sum += product;
                    magnitude += Math.Abs(product);
                }
                // Float sums of In + 1 terms: each step rounds by at most 2^-24 of the running magnitude.
                var tolerance = (kernel.In + 1) * magnitude * Math.Pow(2, -24);
                Assert.True(Math.Abs(y[o] - sum) <= tolerance, $"{name}, output {o}: {y[o]} against the double loop's {sum} (tolerance {tolerance:E2}).");
            }
            Assert.True(float.IsNaN(y[kernel.Out]), $"{name} wrote past its {kernel.Out} outputs.");
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Forward_equals_the_float_kernel_on_the_widened_weights_bit_for_bit(string name)
    {
        // Both kernels add the same products in the same order from the bias up, so widening first changes nothing.
        var kernel = Get(name);
        var random = new Random(23);
        var weight = DrawBFloat16(random, kernel.In * kernel.Out);
        var widened = weight.Select(BFloat16Rounding.Widen).ToArray();
        var bias = Draw(random, kernel.Out);
        var x = Draw(random, kernel.In);
        var y = new float[kernel.Out];
        var expected = new float[kernel.Out];

        kernel.Forward(weight, bias, x, y);
        kernel.FloatForward(widened, bias, x, expected);

        Assert.Equal(expected, y);
    }

    private static float[] Draw(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();

    private static ushort[] DrawBFloat16(Random random, int count) =>
        Draw(random, count).Select(BFloat16Rounding.Round).ToArray();
}
