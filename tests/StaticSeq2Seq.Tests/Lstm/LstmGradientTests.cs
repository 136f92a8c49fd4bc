using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Lstm;

/// <summary>
/// The generated LSTM backward pass (BPTT through both cell states, across layers and from the decoder into the
/// encoder) against central finite differences of the double-precision <see cref="LstmReference"/>'s loss, for every
/// element of every parameter tensor.
/// </summary>
public sealed class LstmGradientTests(ITestOutputHelper output)
{
    // Central differences in double: truncation error ~ Step² · |L'''| / 6 ≈ 1e-10 and rounding error
    // ~ 1e-16 · |L| / Step ≈ 1e-10 for losses of ~10, so the reference gradient is good to ~1e-9; all of the
    // difference below is the generated float backward pass.
    private const double Step = 1e-5;

    // |g_generated − g_fd| <= Absolute + Relative · |g_fd|. The generated gradient is accumulated in float (unit
    // roundoff 6e-8) over up to 12 steps and 2 layers, each element a sum of O(10) products of values of O(1), after a
    // forward pass with vectorised, few-ulp sigmoid/tanh; the worst absolute difference seen is 4e-7 (printed by the
    // test, at most 0.06 of the tolerance). That leaves about an order of magnitude for other SIMD widths and FMA
    // orders, while a real mistake (a dropped cell-state carry, a wrong gate derivative or row order) is off by 1e-2.
    private const double Absolute = 5e-6;
    private const double Relative = 1e-4;

    public static TheoryData<string> Models => LstmModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Backward_equals_central_finite_differences_of_the_reference_for_every_parameter(string modelName)
    {
        var worstAbsolute = 0.0;
        var worstScaled = 0.0;
        var checkedValues = 0;
        foreach (var (what, model) in Cases(modelName))
        {
            var reference = LstmReference.FromModel(model);
            var workspace = model.CreateWorkspace();
            var gradients = new float[model.Layout.ParameterCount];
            foreach (var (source, target) in LstmModels.Inputs(model.Shape, seed: 17, randomCount: 2))
            {
                model.Forward(workspace, source, target);
                Array.Clear(gradients);
                model.Backward(workspace, gradients, lossScale: 1f);
                var input = $"{modelName}, {what}, source {LstmModels.Show(source)}, target {LstmModels.Show(target)}";
                foreach (var tensor in model.Layout.Tensors)
                {
                    var generated = new float[tensor.Length];
                    tensor.CopyToPyTorchOrder(gradients, generated);
                    var values = reference.Tensors[tensor.Name];
                    for (var k = 0; k < values.Length; k++)
                    {
                        var saved = values[k];
                        values[k] = saved + Step;
                        var plus = reference.Loss(source, target);
                        values[k] = saved - Step;
                        var minus = reference.Loss(source, target);
                        values[k] = saved;
                        var expected = (plus - minus) / (2 * Step);

                        var error = Math.Abs(generated[k] - expected);
                        worstAbsolute = Math.Max(worstAbsolute, error);
                        worstScaled = Math.Max(worstScaled, error / (Absolute + Relative * Math.Abs(expected)));
                        checkedValues++;
                        Assert.True(
                            error <= Absolute + Relative * Math.Abs(expected),
                            $"{input}: dL/d{tensor.Name}[{k}] generated {generated[k]:R}, finite difference {expected:R}, difference {error:E2}.");
                    }
                }
                AssertPaddingUntouched(model, gradients, input);
            }
        }
        output.WriteLine($"{modelName}: {checkedValues} gradient values, worst absolute difference {worstAbsolute:E2}, worst difference / tolerance {worstScaled:F3}.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Backward_adds_lossScale_times_the_gradient_to_what_the_buffer_holds(string modelName)
    {
        var model = LstmModels.Create(modelName, seed: 5);
        var workspace = model.CreateWorkspace();
        int[] source = [4, 9, 5, 10], target = [7, 3, 12];
        model.Forward(workspace, source, target);
        var unit = new float[model.Layout.ParameterCount];
        model.Backward(workspace, unit, lossScale: 1f);

        var accumulated = new float[unit.Length];
        for (var k = 0; k < accumulated.Length; k++)
        {
            accumulated[k] = 0.25f * MathF.Sin(k);
        }
        var before = (float[])accumulated.Clone();
        model.Backward(workspace, accumulated, lossScale: 0.5f);
        model.Backward(workspace, accumulated, lossScale: 0.5f);
        for (var k = 0; k < accumulated.Length; k++)
        {
            // before + 0.5 g + 0.5 g in float: a few roundings of values of O(1).
            Assert.True(
                Math.Abs(accumulated[k] - (before[k] + unit[k])) <= 1e-6 * (1 + Math.Abs(unit[k])),
                $"{modelName}: gradient float {k} is {accumulated[k]:R}, expected {before[k] + unit[k]:R}.");
        }
    }

    /// <summary>PyTorch's initialisation for two seeds, then larger weights that saturate the gates.</summary>
    private static IEnumerable<(string What, ISeq2SeqModel Model)> Cases(string modelName)
    {
        yield return ("seed 1", LstmModels.Create(modelName, seed: 1));
        yield return ("seed 2", LstmModels.Create(modelName, seed: 2));
        var large = LstmModels.Create(modelName);
        LstmModels.WriteRandomWeights(large, new Random(3), embeddingScale: 1.5, bound: 1.0);
        yield return ("large weights", large);
    }

    /// <summary>The alignment padding between tensors belongs to no parameter, so Backward must leave it zero.</summary>
    private static void AssertPaddingUntouched(ISeq2SeqModel model, float[] gradients, string input)
    {
        var owned = new bool[gradients.Length];
        foreach (var tensor in model.Layout.Tensors)
        {
            owned.AsSpan(tensor.Offset, tensor.Length).Fill(true);
        }
        for (var k = 0; k < gradients.Length; k++)
        {
            Assert.True(owned[k] || gradients[k] == 0f, $"{input}: padding float {k} of the gradient buffer is {gradients[k]:R}.");
        }
    }
}
