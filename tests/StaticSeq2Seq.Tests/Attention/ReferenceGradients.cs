using StaticSeq2Seq.Tests.Numerics;

namespace StaticSeq2Seq.Tests.Attention;

/// <summary>A model's analytic gradient against central differences of a reference loss, every entry of every tensor.</summary>
internal static class ReferenceGradients
{
    // The tolerances of AttentionNumerics, for the same models and the same float error.
    private const double Step = 1e-5;
    private const double Absolute = 1e-5;
    private const double Relative = 1e-4;

    /// <summary>
    /// Checks <paramref name="gradients"/> (in <paramref name="model"/>'s layout) against central differences of
    /// <paramref name="loss"/>, which reads <paramref name="reference"/>'s weights.
    /// </summary>
    public static GradientCheck Check(string label, ISeq2SeqModel model, float[] gradients, AttentionReference reference, Func<double> loss)
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
                return (plus - minus) / (2 * Step);
            }
            check.Tensor(tensor.Name, [.. tensor.Shape], Enumerable.Range(0, tensor.Length).ToArray(), i => analytic[i], Numeric);
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
