using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticSeq2Seq.Numerics;

/// <summary>
/// A float's bits read as an integer. Its magnitude bits (all but the sign) order the non-negative floats as their
/// values, with infinity above every finite value and each NaN above infinity, so an integer maximum of them is a
/// largest magnitude that a NaN cannot hide from: one instruction a vector, where a float maximum needs NaN checks.
/// </summary>
internal static class FloatBits
{
    /// <summary>The mask of a float's magnitude bits.</summary>
    public const int MagnitudeBits = 0x7FFF_FFFF;

    /// <summary>Infinity's magnitude bits; any above them are a NaN's.</summary>
    public const int InfinityBits = 0x7F80_0000;

    /// <summary>The largest of the eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Largest(Vector256<int> vector)
    {
        Vector128<int> four = Vector128.Max(vector.GetLower(), vector.GetUpper());
        return Math.Max(Math.Max(four.GetElement(0), four.GetElement(1)), Math.Max(four.GetElement(2), four.GetElement(3)));
    }
}
