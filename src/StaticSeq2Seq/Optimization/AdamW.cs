using System;

namespace StaticSeq2Seq.Optimization;

/// <summary>
/// AdamW, as <c>torch.optim.AdamW</c> computes it: Adam with weight decay decoupled from the gradient, so
/// each step first multiplies every parameter by <c>1 - learningRate × weightDecay</c>.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates AdamW state for <paramref name="parameterCount"/> parameters, with PyTorch's defaults.</summary>
    /// <param name="parameterCount">The model's parameter count.</param>
    /// <param name="learningRate">PyTorch's <c>lr</c>.</param>
    /// <param name="beta1">Decay of the gradient's moving average, PyTorch's <c>betas[0]</c>.</param>
    /// <param name="beta2">Decay of the squared gradient's moving average, PyTorch's <c>betas[1]</c>.</param>
    /// <param name="epsilon">Added to the denominator for stability, PyTorch's <c>eps</c>.</param>
    /// <param name="weightDecay">PyTorch's <c>weight_decay</c>, 0.01 by default as in PyTorch.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or rate is negative, or a beta lies outside [0, 1).</exception>
    public AdamW(
        int parameterCount,
        float learningRate = 1e-3f,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8,
        double weightDecay = 0.01)
        : base(parameterCount, learningRate, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay: true)
    {
    }
}
