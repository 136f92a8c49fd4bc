using StaticSeq2Seq.Optimization;
using Xunit;

namespace StaticSeq2Seq.Tests.Optimization;

public sealed class GradientClippingTests
{
    [Fact]
    public void Scales_gradients_above_the_maximum_norm_and_returns_the_norm_before_clipping()
    {
        // Hand computation: |(3, -4, 12)| = 13; scale = 6.5 / (13 + 1e-6) ≈ 0.5.
        // PyTorch 1.13 (pytorch_reference.py) prints the norm 13.0 and the gradients 1.49999988, -1.99999988, 5.99999952.
        float[] gradients = [3f, -4f, 12f];

        var norm = GradientClipping.ClipGlobalNorm(gradients, 6.5f);

        Assert.Equal(13f, norm);
        Assert.Equal(1.49999988f, gradients[0], 6);
        Assert.Equal(-1.99999988f, gradients[1], 6);
        Assert.Equal(5.99999952f, gradients[2], 6);
    }

    [Fact]
    public void Leaves_gradients_within_the_maximum_norm_unchanged()
    {
        float[] gradients = [3f, -4f, 12f];

        var norm = GradientClipping.ClipGlobalNorm(gradients, 13.5f);

        Assert.Equal(13f, norm);
        Assert.Equal([3f, -4f, 12f], gradients);
    }

    [Fact]
    public void Takes_the_norm_over_a_long_buffer_as_a_whole()
    {
        // 1000 values of 0.5 have norm sqrt(250); clipped to 1 each becomes 0.5 / sqrt(250).
        var gradients = Enumerable.Repeat(0.5f, 1000).ToArray();

        var norm = GradientClipping.ClipGlobalNorm(gradients, 1f);

        Assert.Equal(Math.Sqrt(250), norm, 4);
        Assert.All(gradients, g => Assert.Equal(0.5 / Math.Sqrt(250), g, 6));
    }

    [Fact]
    public void A_non_finite_norm_is_returned_and_the_gradients_are_left_alone()
    {
        float[] gradients = [1f, float.NaN];

        var norm = GradientClipping.ClipGlobalNorm(gradients, 1f);

        Assert.True(float.IsNaN(norm));
        Assert.Equal(1f, gradients[0]);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_maximum_norm_that_is_not_positive_and_finite_is_rejected(float maxNorm)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGlobalNorm(new float[3], maxNorm));
    }
}
