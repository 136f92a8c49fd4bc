using System;

namespace StaticSeq2Seq.Numerics;

/// <summary>
/// Conversion between float and bfloat16, the upper 16 bits of a float (sign, 8 exponent bits, 7 mantissa bits), kept
/// in a <see cref="ushort"/>. Widening is exact; narrowing rounds to nearest, ties to even, as PyTorch's
/// <c>tensor.to(torch.bfloat16)</c> does.
/// </summary>
public static class BFloat16Rounding
{
    /// <summary>
    /// The bfloat16 nearest to <paramref name="value"/>, ties to the even one. Values past the largest bfloat16
    /// (about 3.39e38) round to infinity; infinities keep their sign; a NaN stays a NaN of the same sign, made quiet
    /// so that rounding cannot carry it into the exponent and turn it into an infinity.
    /// </summary>
    public static ushort Round(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }
        // Adding 0x7FFF rounds up exactly when the lower half exceeds 0x8000; adding the kept part's lowest bit as
        // well rounds an exact half (0x8000) up only when that bit is odd. A carry into the exponent is correct
        // rounding too, up to infinity.
        uint lowestKeptBit = (bits >> 16) & 1;
        return (ushort)((bits + 0x7FFFu + lowestKeptBit) >> 16);
    }

    /// <summary>The float that <paramref name="value"/> stands for, exactly.</summary>
    public static float Widen(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    /// <summary>Rounds every value of <paramref name="source"/> into the same position of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static void Round(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} values but the source has {source.Length}; pass a destination at least as long as the source.",
                nameof(destination));
        }
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = Round(source[i]);
        }
    }
}
