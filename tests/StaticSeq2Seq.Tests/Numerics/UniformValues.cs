namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>Inputs for the element-wise kernels' tests.</summary>
internal static class UniformValues
{
    /// <summary><paramref name="length"/> floats drawn uniformly from [-<paramref name="range"/>, <paramref name="range"/>).</summary>
    public static float[] Draw(Random random, int length, double range)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * range);
        }
        return values;
    }
}
