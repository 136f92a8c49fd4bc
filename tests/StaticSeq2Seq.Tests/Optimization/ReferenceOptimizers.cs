namespace StaticSeq2Seq.Tests.Optimization;

/// <summary>
/// Plain double-precision implementations of the update rules, written from the formulas in the PyTorch
/// documentation rather than from the code under test.
/// </summary>
internal static class ReferenceOptimizers
{
    /// <summary>Adam as in Kingma and Ba, with PyTorch's ε placement and its L2 or decoupled weight decay.</summary>
    public static double[] Adam(float[] initial, int steps, Func<int, float[]> gradientAt,
        double lr, double weightDecay = 0, bool decoupled = false, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        var n = initial.Length;
        var theta = Array.ConvertAll(initial, x => (double)x);
        var m = new double[n];
        var v = new double[n];
        for (var t = 1; t <= steps; t++)
        {
            var g = gradientAt(t);
            for (var i = 0; i < n; i++)
            {
                var gi = (double)g[i];
                if (decoupled)
                {
                    theta[i] *= 1 - lr * weightDecay;
                }
                else
                {
                    gi += weightDecay * theta[i];
                }
                m[i] = beta1 * m[i] + (1 - beta1) * gi;
                v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
                var mHat = m[i] / (1 - Math.Pow(beta1, t));
                var vHat = v[i] / (1 - Math.Pow(beta2, t));
                theta[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }
        return theta;
    }

    /// <summary>SGD with momentum, dampening 0, Nesterov off: b₁ = d₁, b_t = μ·b_{t-1} + d_t, θ -= lr·b_t.</summary>
    public static double[] Sgd(float[] initial, int steps, Func<int, float[]> gradientAt, double lr, double momentum, double weightDecay = 0)
    {
        var n = initial.Length;
        var theta = Array.ConvertAll(initial, x => (double)x);
        var buffer = new double[n];
        for (var t = 1; t <= steps; t++)
        {
            var g = gradientAt(t);
            for (var i = 0; i < n; i++)
            {
                var d = g[i] + weightDecay * theta[i];
                buffer[i] = t == 1 ? d : momentum * buffer[i] + d;
                theta[i] -= lr * buffer[i];
            }
        }
        return theta;
    }
}
