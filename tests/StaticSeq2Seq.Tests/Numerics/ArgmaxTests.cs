using System.Numerics.Tensors;
using StaticSeq2Seq.Numerics;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// <see cref="Argmax.IndexOfMax"/> against <c>TensorPrimitives.IndexOfMax</c>, whose answer it promises, on lengths that
/// end in every lane of the 512- and 256-bit loops and in the scalar tail, on whichever path the machine and the DOTNET_
/// environment variables select.
/// </summary>
public sealed class ArgmaxTests
{
    private static readonly int[] Lengths = [1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 2000];

    [Fact]
    public void An_empty_span_has_no_index()
    {
        Assert.Equal(-1, Argmax.IndexOfMax([]));
    }

    [Fact]
    public void Random_values_with_ties_give_TensorPrimitives_index()
    {
        var random = new Random(5);
        foreach (var length in Lengths)
        {
            for (var trial = 0; trial < 50; trial++)
            {
                // Values from a small set, so the maximum often comes more than once and the first must be found.
                var values = Enumerable.Range(0, length).Select(_ => random.Next(-4, 5) * 0.5f).ToArray();
                Assert.Equal(TensorPrimitives.IndexOfMax<float>(values), Argmax.IndexOfMax(values));
            }
        }
    }

    [Fact]
    public void A_special_value_at_each_position_gives_TensorPrimitives_index()
    {
        float[] specials = [float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, -1e30f, float.Epsilon];
        foreach (var special in specials)
        {
            AtEachPosition(special);
        }
    }

    private static void AtEachPosition(float special)
    {
        foreach (var length in Lengths.Where(n => n <= 100))
        {
            for (var position = 0; position < length; position++)
            {
                foreach (var background in new[] { -3f, 0f, -0f, 2f })
                {
                    var values = Enumerable.Repeat(background, length).ToArray();
                    values[position] = special;
                    if (length > 2)
                    {
                        values[(position + length / 2) % length] = -background;
                    }
                    Assert.True(TensorPrimitives.IndexOfMax<float>(values) == Argmax.IndexOfMax(values),
                        $"{special} at {position} of {length} among {background}: {Argmax.IndexOfMax(values)} against {TensorPrimitives.IndexOfMax<float>(values)}.");
                }
            }
        }
    }

    [Fact]
    public void The_first_of_several_NaNs_wins_over_any_value()
    {
        var values = Enumerable.Range(0, 40).Select(i => (float)i).ToArray();
        values[23] = -float.NaN;
        values[31] = float.NaN;
        values[39] = float.PositiveInfinity;
        Assert.Equal(23, Argmax.IndexOfMax(values));
        Assert.Equal(TensorPrimitives.IndexOfMax<float>(values), Argmax.IndexOfMax(values));
    }
}
