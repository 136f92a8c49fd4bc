using System;
using System.Numerics.Tensors;

namespace StaticSeq2Seq.Optimization;

/// <summary>Gradient clipping, as <c>torch.nn.utils.clip_grad_norm_</c> computes it.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales <paramref name="gradients"/> by <c>maxNorm / (norm + 1e-6)</c> when that factor is below 1, where
    /// <c>norm</c> is the Euclidean norm of all gradients taken together, and returns that norm as it was before clipping.
    /// </summary>
    /// <remarks>
    /// A non-finite norm leaves the gradients as they are, so a caller that checks the returned norm can stop
    /// before an optimizer step spreads the infinity or NaN into the parameters.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not a positive finite number.</exception>
    public static float ClipGlobalNorm(Span<float> gradients, float maxNorm)
    {
        if (!(maxNorm > 0f) || float.IsPositiveInfinity(maxNorm))
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxNorm),
                maxNorm,
                "The maximum gradient norm must be a positive finite number, such as 1 or 5; to train without clipping, do not clip.");
        }
        var norm = TensorPrimitives.Norm<float>(gradients);
        var scale = Scale(norm, maxNorm);
        if (scale < 1f)
        {
            TensorPrimitives.Multiply(gradients, scale, gradients);
        }
        return norm;
    }

    /// <summary>The factor that clips gradients of Euclidean norm <paramref name="norm"/> to <paramref name="maxNorm"/>: below 1 only when they need clipping.</summary>
    internal static float Scale(float norm, float maxNorm) => maxNorm / (norm + 1e-6f);
}
