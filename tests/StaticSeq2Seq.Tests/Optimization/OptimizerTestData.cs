using Xunit;

namespace StaticSeq2Seq.Tests.Optimization;

/// <summary>The parameters and gradients the optimizer tests and the PyTorch reference script share.</summary>
internal static class OptimizerTestData
{
    /// <summary>θ₀[i] = 0.5 - 0.1·i, as float32.</summary>
    public static float[] InitialParameters(int count)
    {
        var parameters = new float[count];
        for (var i = 0; i < count; i++)
        {
            parameters[i] = (float)(0.5 - 0.1 * i);
        }
        return parameters;
    }

    /// <summary>g_t[i] = sin(0.7·i + 1.3·t)·(1 + 0.25·i), as float32, for the 1-based step t.</summary>
    public static float[] Gradients(int count, int step)
    {
        var gradients = new float[count];
        for (var i = 0; i < count; i++)
        {
            gradients[i] = (float)(Math.Sin(0.7 * i + 1.3 * step) * (1 + 0.25 * i));
        }
        return gradients;
    }

    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var error = Math.Abs(expected[i] - actual[i]);
            Assert.True(
                error <= tolerance * (1 + Math.Abs(expected[i])),
                $"Element {i}: expected {expected[i]:R}, got {actual[i]:R} (error {error:E2}, tolerance {tolerance:E2}).");
        }
    }
}
