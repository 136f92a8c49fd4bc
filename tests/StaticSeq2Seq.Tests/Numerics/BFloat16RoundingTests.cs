using StaticSeq2Seq.Numerics;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// Rounding float to bfloat16 against cases worked out by hand from the bit patterns: the upper 16 bits are kept, and
/// the lower 16 decide: below 0x8000 truncates, above rounds up, exactly 0x8000 rounds to the even kept value.
/// </summary>
public sealed class BFloat16RoundingTests
{
    [Theory]
    [InlineData(0x3F800000u, 0x3F80)] // 1
    [InlineData(0x3F807FFFu, 0x3F80)] // just below half of the last kept bit: down
    [InlineData(0x3F808001u, 0x3F81)] // just above half: up
    [InlineData(0x3F808000u, 0x3F80)] // a tie, kept part even (…80): stays
    [InlineData(0x3F818000u, 0x3F82)] // a tie, kept part odd (…81): up to the even …82
    [InlineData(0xBF808001u, 0xBF81)] // negative values round their magnitude the same way
    [InlineData(0xBF818000u, 0xBF82)]
    [InlineData(0x3F7FFFFFu, 0x3F80)] // the carry runs into the exponent: just under 1 rounds to 1
    [InlineData(0x00000000u, 0x0000)] // +0
    [InlineData(0x80000000u, 0x8000)] // -0 keeps its sign
    [InlineData(0x00008000u, 0x0000)] // subnormal tie to even 0
    [InlineData(0x00018000u, 0x0002)] // subnormal tie to even 2
    [InlineData(0x00008001u, 0x0001)] // subnormal above half
    [InlineData(0x7F7F7FFFu, 0x7F7F)] // below the largest bfloat16's upper half-gap: the largest bfloat16
    [InlineData(0x7F7FFFFFu, 0x7F80)] // float.MaxValue lies past the midpoint: rounds to +infinity
    [InlineData(0x7F800000u, 0x7F80)] // +infinity
    [InlineData(0xFF800000u, 0xFF80)] // -infinity
    [InlineData(0x7FC00000u, 0x7FC0)] // quiet NaN
    [InlineData(0xFFC00000u, 0xFFC0)] // negative quiet NaN keeps its sign
    [InlineData(0x7F800001u, 0x7FC0)] // NaN with its payload in the dropped bits only: still a NaN (quieted), not infinity
    [InlineData(0x7F80FFFFu, 0x7FC0)] // NaN whose lower half would carry into the exponent under plain rounding
    [InlineData(0x7FFFFFFFu, 0x7FFF)]
    public void Rounds_to_nearest_with_ties_to_even(uint floatBits, int expected)
    {
        var value = BitConverter.UInt32BitsToSingle(floatBits);

        var rounded = BFloat16Rounding.Round(value);

        Assert.Equal($"{expected:X4}", $"{rounded:X4}");
    }

    [Theory]
    [InlineData(0x3F80, 1f)]
    [InlineData(0xC040, -3f)]
    [InlineData(0x3E80, 0.25f)]
    [InlineData(0x4049, 3.140625f)] // π's bfloat16: 1.5703125 × 2
    [InlineData(0x7F80, float.PositiveInfinity)]
    [InlineData(0x0001, 9.18354962e-41f)] // the smallest subnormal, 2^-133
    public void Widens_exactly(int bits, float expected)
    {
        Assert.Equal(expected, BFloat16Rounding.Widen((ushort)bits));
    }

    [Fact]
    public void Widening_then_rounding_returns_every_bfloat16_but_NaNs_unchanged()
    {
        for (var bits = 0; bits <= ushort.MaxValue; bits++)
        {
            var value = BFloat16Rounding.Widen((ushort)bits);
            if (!float.IsNaN(value))
            {
                Assert.Equal(bits, BFloat16Rounding.Round(value));
            }
        }
    }

    [Fact]
    public void Rounding_a_span_rounds_each_value()
    {
        float[] source = [1f, BitConverter.UInt32BitsToSingle(0x3F818000u), -0f, float.NegativeInfinity];
        var destination = new ushort[5];

        BFloat16Rounding.Round(source, destination);

        Assert.Equal(new ushort[] { 0x3F80, 0x3F82, 0x8000, 0xFF80, 0 }, destination);
    }

    [Fact]
    public void A_short_destination_is_refused_with_both_lengths()
    {
        var exception = Assert.Throws<ArgumentException>(() => BFloat16Rounding.Round(new float[3], new ushort[2]));

        Assert.Equal("destination", exception.ParamName);
        Assert.Contains("holds 2 values but the source has 3", exception.Message, StringComparison.Ordinal);
    }
}
