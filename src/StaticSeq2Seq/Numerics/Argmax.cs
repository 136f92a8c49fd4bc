using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticSeq2Seq.Numerics;

/// <summary>
/// The index of the largest logit, as greedy decoding picks its token: <c>TensorPrimitives.IndexOfMax</c>'s answer (the
/// first index of the maximum, +0 above -0, the first NaN if there is one, -1 for no values) in two integer passes.
/// </summary>
/// <remarks>
/// <para>
/// Each float's bits become a key that orders as the float does when compared as signed integers: a negative float's
/// magnitude bits are flipped, so more negative means smaller, and -0 falls just below +0. The first pass takes the
/// largest key and the largest magnitude bits (<see cref="FloatBits"/>: above infinity's only for a NaN); the second
/// finds the first key equal to the largest. Integer maxima and equality are one instruction a vector, where a float
/// maximum that tracks indices and NaNs takes several; at a decoding step's 64 to a few thousand logits the two passes
/// stay in L1.
/// </para>
/// <para>
/// The 512- and 256-bit loops are the same lines at two widths: the vector types share no public interface.
/// </para>
/// </remarks>
public static class Argmax
{
    /// <summary>The index of the largest value of <paramref name="values"/>, with <c>TensorPrimitives.IndexOfMax</c>'s rules.</summary>
    public static int IndexOfMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return -1;
        }
        ref int bits = ref Unsafe.As<float, int>(ref MemoryMarshal.GetReference(values));
        int length = values.Length;
        int largestKey = int.MinValue, largestMagnitude = 0, i = 0;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<int>.Count)
        {
            Vector512<int> keys = Vector512.Create(int.MinValue), magnitudes = Vector512<int>.Zero;
            for (; i + Vector512<int>.Count <= length; i += Vector512<int>.Count)
            {
                Vector512<int> v = Vector512.LoadUnsafe(ref bits, (nuint)i);
                keys = Vector512.Max(keys, Key(v));
                magnitudes = Vector512.Max(magnitudes, v & Vector512.Create(FloatBits.MagnitudeBits));
            }
            largestKey = FloatBits.Largest(Vector256.Max(keys.GetLower(), keys.GetUpper()));
            largestMagnitude = FloatBits.Largest(Vector256.Max(magnitudes.GetLower(), magnitudes.GetUpper()));
        }
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<int>.Count)
        {
            Vector256<int> keys = Vector256.Create(int.MinValue), magnitudes = Vector256<int>.Zero;
            for (; i + Vector256<int>.Count <= length; i += Vector256<int>.Count)
            {
                Vector256<int> v = Vector256.LoadUnsafe(ref bits, (nuint)i);
                keys = Vector256.Max(keys, Key(v));
                magnitudes = Vector256.Max(magnitudes, v & Vector256.Create(FloatBits.MagnitudeBits));
            }
            largestKey = FloatBits.Largest(keys);
            largestMagnitude = FloatBits.Largest(magnitudes);
        }
        for (; i < length; i++)
        {
            int v = Unsafe.Add(ref bits, i);
            largestKey = Math.Max(largestKey, Key(v));
            largestMagnitude = Math.Max(largestMagnitude, v & FloatBits.MagnitudeBits);
        }
        return largestMagnitude > FloatBits.InfinityBits ? FirstNaN(ref bits) : FirstKey(ref bits, length, largestKey);
    }

    /// <summary>The bits of a float as a signed integer that orders as the float: a negative one's magnitude bits flipped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Key(int bits) => bits ^ ((bits >> 31) & FloatBits.MagnitudeBits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Key(Vector512<int> bits) => bits ^ (Vector512.ShiftRightArithmetic(bits, 31) & Vector512.Create(FloatBits.MagnitudeBits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Key(Vector256<int> bits) => bits ^ (Vector256.ShiftRightArithmetic(bits, 31) & Vector256.Create(FloatBits.MagnitudeBits));

    /// <summary>The first index whose key is <paramref name="key"/>; the first pass found it, so there is one.</summary>
    private static int FirstKey(ref int bits, int length, int key)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<int>.Count <= length; i += Vector512<int>.Count)
            {
                ulong found = Vector512.Equals(Key(Vector512.LoadUnsafe(ref bits, (nuint)i)), Vector512.Create(key)).ExtractMostSignificantBits();
                if (found != 0)
                {
                    return i + BitOperations.TrailingZeroCount(found);
                }
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<int>.Count <= length; i += Vector256<int>.Count)
            {
                uint found = Vector256.Equals(Key(Vector256.LoadUnsafe(ref bits, (nuint)i)), Vector256.Create(key)).ExtractMostSignificantBits();
                if (found != 0)
                {
                    return i + BitOperations.TrailingZeroCount(found);
                }
            }
        }
        while (Key(Unsafe.Add(ref bits, i)) != key)
        {
            i++;
        }
        return i;
    }

    /// <summary>The first index holding a NaN; the first pass found one.</summary>
    private static int FirstNaN(ref int bits)
    {
        int i = 0;
        while ((Unsafe.Add(ref bits, i) & FloatBits.MagnitudeBits) <= FloatBits.InfinityBits)
        {
            i++;
        }
        return i;
    }
}
