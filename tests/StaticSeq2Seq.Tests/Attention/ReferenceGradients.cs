using StaticSeq2Seq.Parameters;
using StaticSeq2Seq.Tests.Numerics;

namespace StaticSeq2Seq.Tests.Attention;

/// <summary>A model's analytic gradient against central differences of a reference loss, tensor by tensor.</summary>
internal static class ReferenceGradients
{
    // Reference finite differences: each entry of the model's float weights, copied into the double reference,
    // is moved by ±1e-5. In double the quotient carries ~1e-16 L / 1e-5 ~ 1e-10 of roundoff and h² L''' / 6 ~ 1e-10
    // of truncation error, so it is the true gradient at the float weights to ~1e-9; what is left is the generated
    // gradient's float error, sums of at most (steps × source × rows) float products of size <= 1, ~1e-7 absolute.
    // Hence |a − n| <= 1e-5 + 1e-4 |n|: a hundred times the float noise, yet a dropped path (dL/dk through the scores,
    // the query's gradient landing in the wrong slot, a missing (1 − e²)) is off by far more.
    private const double Step = 1e-5;

    /// <summary>The absolute tolerance of every check here: a gradient must be well above it to be told right from wrong.</summary>
    public const double Absolute = 1e-5;

    private const double Relative = 1e-4;

    /// <summary>
    /// Checks <paramref name="gradients"/> (in <paramref name="model"/>'s layout) against central differences of
    /// <paramref name="loss"/>, which reads <paramref name="reference"/>'s weights: the entries
    /// <paramref name="entries"/> picks of each tensor (every entry without it), each numeric derivative also handed
    /// to <paramref name="observe"/> with its tensor's name.
    /// </summary>
    public static GradientCheck Check(
        string label, ISeq2SeqModel model, float[] gradients, AttentionReference reference, Func<double> loss,
        Func<ParameterTensor, int[]>? entries = null, Action<string, double>? observe = null)
    {
        var check = new GradientCheck(label, Absolute, Relative);
        foreach (var tensor in model.Layout.Tensors)
        {
            var analytic = new float[tensor.Length];
            tensor.CopyToPyTorchOrder(gradients, analytic);
            var weights = reference.Weights[tensor.Name];
            double Numeric(int index)
            {
                var saved = weights[index];
                weights[index] = saved + Step;
                var plus = loss();
                weights[index] = saved - Step;
                var minus = loss();
                weights[index] = saved;
                var numeric = (plus - minus) / (2 * Step);
                observe?.Invoke(tensor.Name, numeric);
                return numeric;
            }
            var indices = entries?.Invoke(tensor) ?? Enumerable.Range(0, tensor.Length).ToArray();
            check.Tensor(tensor.Name, [.. tensor.Shape], indices, i => analytic[i], Numeric);
        }
        return check;
    }

    /// <summary>The loss of <paramref name="forward"/> on a new workspace and the gradient of the backward pass after it.</summary>
    public static (float Loss, float[] Gradient) LossAndGradient(ISeq2SeqModel model, Func<Seq2SeqWorkspace, float> forward)
    {
        var workspace = model.CreateWorkspace();
        var loss = forward(workspace);
        var gradient = new float[model.Layout.ParameterCount];
        model.Backward(workspace, gradient, 1f);
        return (loss, gradient);
    }
}
