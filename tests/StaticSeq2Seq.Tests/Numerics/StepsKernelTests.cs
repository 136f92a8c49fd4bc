using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

// Output projection 10 -> 150: on AVX-512, 9 vectors of 16 (two tiles of 4 vectors, then a tile of 1) and 6 columns
// past the last vector; on AVX2, 18 vectors of 8 (nine tiles of 2) and 6 columns; 10 weight rows are two tiles of 4
// and a tile of 2.
[Seq2SeqModel(SourceVocabularySize = 5, TargetVocabularySize = 150, EmbeddingSize = 3, HiddenSize = 10,
              Layers = 1, Cell = RecurrentCell.Rnn, MaxSourceLength = 2, MaxTargetLength = 8)]
public partial class StepsKernelModel;

/// <summary>
/// The matrix-matrix kernels over all time steps (forward, weight gradient, input gradient) against plain double loops,
/// for step counts that fill no tile, one tile, and tiles with a remainder, on sizes whose columns do not fill a vector
/// (13, 37, 150, 28) and whose weight rows do not fill a tile (7, 10, 5). A one-way encoder's layer 0 (5x28) has them all;
/// the other recurrent layers' sizes (12x28, 96x144) have the weight gradient only, their steps' dL/dx and dL/dh running
/// one step at a time (the one-step input gradient, tested here too). Runs on whichever SIMD path the machine and the
/// DOTNET_ environment variables select.
/// </summary>
public sealed class StepsKernelTests
{
    private static readonly int[] StepCounts = [1, 3, 4, 5, 8, 9];

    private delegate void Forward(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y, int rows);

    private delegate void StepForward(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y);

    private delegate void WeightBackward(Span<float> dWeight, Span<float> dBias, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int rows);

    private delegate void InputBackward(ReadOnlySpan<float> weight, ReadOnlySpan<float> dy, Span<float> dx, int rows);

    /// <summary>
    /// A kernel under test; the recurrent layers' sizes past a one-way encoder's layer 0 have the weight gradient only (the
    /// others null). Without <paramref name="HasBias"/>, the forward reads no bias and the weight gradient writes none.
    /// </summary>
    private sealed record Kernel(int In, int Out, Forward? Forward, StepForward? StepForward, WeightBackward WeightBackward, InputBackward? InputBackward, bool HasBias = true);

    private static Kernel Get(string name) => name switch
    {
        "7x13" => new(7, 13, TinyGru.DenseKernels.Linear7x13Steps, TinyGru.DenseKernels.Linear7x13,
            TinyGru.DenseKernels.Linear7x13StepsWeightBackward, TinyGru.DenseKernels.Linear7x13StepsInputBackward),
        "48x37" => new(48, 37, WideGru.DenseKernels.Linear48x37Steps, WideGru.DenseKernels.Linear48x37,
            WideGru.DenseKernels.Linear48x37StepsWeightBackward, WideGru.DenseKernels.Linear48x37StepsInputBackward),
        "10x150" => new(10, 150, StepsKernelModel.DenseKernels.Linear10x150Steps, StepsKernelModel.DenseKernels.Linear10x150,
            StepsKernelModel.DenseKernels.Linear10x150StepsWeightBackward, StepsKernelModel.DenseKernels.Linear10x150StepsInputBackward),
        // LuongDotLstm2's W_ih of layer 0 (E = 5, G = 4H = 28): the encoder's runs over all positions at once, the
        // decoder's step by step. BahdanauLstm2's decoder layer 0 reads [embedding ; context]: its context rows (H = 7)
        // multiply the encoder's outputs once per source, without a bias.
        "5x28" => new(5, 28, LuongDotLstm2.DenseKernels.Linear5x28Steps, LuongDotLstm2.DenseKernels.Linear5x28,
            LuongDotLstm2.DenseKernels.Linear5x28StepsWeightBackward, LuongDotLstm2.DenseKernels.Linear5x28StepsInputBackward),
        "7x28NoBias" => new(7, 28, (weight, _, x, y, rows) => BahdanauLstm2.DenseKernels.Linear7x28NoBiasSteps(weight, x, y, rows), null,
            (dWeight, _, x, dy, rows) => BahdanauLstm2.DenseKernels.Linear7x28NoBiasStepsWeightBackward(dWeight, x, dy, rows),
            BahdanauLstm2.DenseKernels.Linear7x28NoBiasStepsInputBackward, HasBias: false),
        // WideBiGru2Bahdanau's encoder layer 1, reading [forward ; reverse] (2H = 96, G = 3H = 144).
        "96x144" => new(96, 144, null, null, WideBiGru2Bahdanau.DenseKernels.Linear96x144StepsWeightBackward, null),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a kernel under test."),
    };

    public static TheoryData<string> Kernels => new() { "7x13", "48x37", "10x150", "5x28" };

    /// <summary>The kernels with a forward and an input gradient over all steps, with or without a per-step kernel beside them.</summary>
    public static TheoryData<string> AllStepsKernels => new() { "7x13", "48x37", "10x150", "5x28", "7x28NoBias" };

    public static TheoryData<string> WeightGradientKernels => new() { "7x13", "48x37", "10x150", "5x28", "7x28NoBias", "96x144" };

    [Theory]
    [MemberData(nameof(AllStepsKernels))]
    public void Forward_over_all_steps_equals_the_double_reference(string name)
    {
        var kernel = Get(name);
        var random = new Random(11);
        foreach (var rows in StepCounts)
        {
            var weight = Draw(random, kernel.In * kernel.Out);
            var bias = Draw(random, kernel.Out);
            var x = Draw(random, rows * kernel.In);
            // Guard columns past the last row must stay untouched.
            var y = Enumerable.Repeat(float.NaN, (rows + 1) * kernel.Out).ToArray();
            kernel.Forward!(weight, bias, x, y, rows);
            for (var t = 0; t < rows; t++)
            {
                for (var o = 0; o < kernel.Out; o++)
                {
                    double sum = kernel.HasBias ? bias[o] : 0, scale = Math.Abs(sum);
                    for (var j = 0; j < kernel.In; j++)
                    {
                        sum += (double)weight[j * kernel.Out + o] * x[t * kernel.In + j];
                        scale += Math.Abs((double)weight[j * kernel.Out + o] * x[t * kernel.In + j]);
                    }
                    AssertClose(sum, y[t * kernel.Out + o], scale, $"{name}, {rows} steps, y[{t}, {o}]");
                }
            }
            Assert.All(y.Skip(rows * kernel.Out), value => Assert.True(float.IsNaN(value), "wrote past the last step"));
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Forward_over_all_steps_is_bit_identical_to_the_per_step_kernel(string name)
    {
        // Both run the same fused multiply-adds in the same order per output, so a teacher-forced pass gives the
        // logits decoding gives.
        var kernel = Get(name);
        var random = new Random(12);
        foreach (var rows in StepCounts)
        {
            var weight = Draw(random, kernel.In * kernel.Out);
            var bias = Draw(random, kernel.Out);
            var x = Draw(random, rows * kernel.In);
            var all = new float[rows * kernel.Out];
            kernel.Forward!(weight, bias, x, all, rows);
            var one = new float[kernel.Out];
            for (var t = 0; t < rows; t++)
            {
                kernel.StepForward!(weight, bias, x.AsSpan(t * kernel.In, kernel.In), one);
                Assert.Equal(one, all.AsSpan(t * kernel.Out, kernel.Out).ToArray());
            }
        }
    }

    [Theory]
    [MemberData(nameof(WeightGradientKernels))]
    public void Weight_gradient_over_all_steps_accumulates_the_double_reference(string name)
    {
        var kernel = Get(name);
        var random = new Random(13);
        foreach (var rows in StepCounts)
        {
            var x = Draw(random, rows * kernel.In);
            var dy = Draw(random, rows * kernel.Out);
            var dWeight = Draw(random, kernel.In * kernel.Out);
            var dBias = Draw(random, kernel.Out);
            var dWeightBefore = dWeight.ToArray();
            var dBiasBefore = dBias.ToArray();
            kernel.WeightBackward(dWeight, dBias, x, dy, rows);
            for (var o = 0; o < kernel.Out; o++)
            {
                double db = dBiasBefore[o], dbScale = Math.Abs(dBiasBefore[o]);
                for (var t = 0; kernel.HasBias && t < rows; t++)
                {
                    db += dy[t * kernel.Out + o];
                    dbScale += Math.Abs(dy[t * kernel.Out + o]);
                }
                AssertClose(db, dBias[o], dbScale, $"{name}, {rows} steps, db[{o}]");
                for (var j = 0; j < kernel.In; j++)
                {
                    double dw = dWeightBefore[j * kernel.Out + o], scale = Math.Abs(dw);
                    for (var t = 0; t < rows; t++)
                    {
                        var product = (double)x[t * kernel.In + j] * dy[t * kernel.Out + o];
                        dw += product;
                        scale += Math.Abs(product);
                    }
                    AssertClose(dw, dWeight[j * kernel.Out + o], scale, $"{name}, {rows} steps, dW[{j}, {o}]");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllStepsKernels))]
    public void Input_gradient_over_all_steps_accumulates_the_double_reference(string name)
    {
        var kernel = Get(name);
        var random = new Random(14);
        foreach (var rows in StepCounts)
        {
            var weight = Draw(random, kernel.In * kernel.Out);
            var dy = Draw(random, rows * kernel.Out);
            var dx = Draw(random, (rows + 1) * kernel.In);
            var dxBefore = dx.ToArray();
            kernel.InputBackward!(weight, dy, dx, rows);
            for (var t = 0; t < rows; t++)
            {
                for (var j = 0; j < kernel.In; j++)
                {
                    double sum = dxBefore[t * kernel.In + j], scale = Math.Abs(sum);
                    for (var o = 0; o < kernel.Out; o++)
                    {
                        var product = (double)weight[j * kernel.Out + o] * dy[t * kernel.Out + o];
                        sum += product;
                        scale += Math.Abs(product);
                    }
                    AssertClose(sum, dx[t * kernel.In + j], scale, $"{name}, {rows} steps, dx[{t}, {j}]");
                }
            }
            Assert.Equal(dxBefore.Skip(rows * kernel.In), dx.Skip(rows * kernel.In));
        }
    }

    private delegate void StepInputBackward(ReadOnlySpan<float> weight, ReadOnlySpan<float> dy, Span<float> dx, bool descending);

    /// <summary>
    /// The recurrent layers' input gradient of one step. Weight rows: 5 and 7 fill no tile of 8, 14 one tile and 6 rows,
    /// 48 six tiles; columns: 28 leave 12 past the last vector of 16 (4 past the last of 8), 144 fill whole vectors.
    /// </summary>
    private static (int In, int Out, StepInputBackward Kernel) GetStep(string name) => name switch
    {
        "5x28" => (5, 28, BiLstm1.DenseKernels.Linear5x28StepInputBackward),
        "7x28" => (7, 28, BahdanauLstm2.DenseKernels.Linear7x28StepInputBackward),
        "14x28" => (14, 28, BiLstm2.DenseKernels.Linear14x28StepInputBackward),
        "48x144" => (48, 144, WideBiGru2Bahdanau.DenseKernels.Linear48x144StepInputBackward),
        "96x144" => (96, 144, WideBiGru2Bahdanau.DenseKernels.Linear96x144StepInputBackward),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a kernel under test."),
    };

    public static TheoryData<string> StepKernels => new() { "5x28", "7x28", "14x28", "48x144", "96x144" };

    [Theory]
    [MemberData(nameof(StepKernels))]
    public void Input_gradient_of_one_step_accumulates_the_double_reference(string name)
    {
        var (inputs, outputs, kernel) = GetStep(name);
        var random = new Random(15);
        var weight = Draw(random, inputs * outputs);
        var dy = Draw(random, outputs);
        // Guard entries past the last input must stay untouched.
        var dx = Draw(random, inputs + 9);
        var dxBefore = dx.ToArray();
        kernel(weight, dy, dx, descending: false);
        // Back to front (odd steps), each row's dot product is the same: the same bits.
        var dxDescending = dxBefore.ToArray();
        kernel(weight, dy, dxDescending, descending: true);
        Assert.Equal(dx, dxDescending);
        for (var j = 0; j < inputs; j++)
        {
            double sum = dxBefore[j], scale = Math.Abs(sum);
            for (var o = 0; o < outputs; o++)
            {
                var product = (double)weight[j * outputs + o] * dy[o];
                sum += product;
                scale += Math.Abs(product);
            }
            AssertClose(sum, dx[j], scale, $"{name}, dx[{j}]");
        }
        Assert.Equal(dxBefore.Skip(inputs), dx.Skip(inputs));
    }

    private static float[] Draw(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return values;
    }

    /// <summary>
    /// A float sum of n terms is within about n unit roundoffs (6e-8) of the exact sum, relative to the sum of the terms'
    /// magnitudes; 1e-5 of that allows over 100 terms, while a missed, doubled or misplaced term is off by one whole term.
    /// </summary>
    private static void AssertClose(double expected, float actual, double scale, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(scale, 1e-3),
            $"{what}: expected {expected:R}, got {actual:R} (scale {scale:R})");
}
