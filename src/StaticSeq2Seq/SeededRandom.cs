using System;

namespace StaticSeq2Seq;

/// <summary>
/// xoshiro256** seeded through SplitMix64: the same seed gives the same stream on every machine and .NET
/// version, and the whole state is four integers a checkpoint can store.
/// </summary>
public struct SeededRandom
{
    private ulong s0, s1, s2, s3;

    /// <summary>Starts the stream for <paramref name="seed"/>.</summary>
    public SeededRandom(ulong seed)
    {
        s0 = SplitMix64(ref seed);
        s1 = SplitMix64(ref seed);
        s2 = SplitMix64(ref seed);
        s3 = SplitMix64(ref seed);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>A float uniform on [0, 1), from the top 24 bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>An integer uniform on [0, <paramref name="exclusiveMax"/>).</summary>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        // Lemire's multiply-shift; the bias is below 2^-32 for every int bound.
        return (int)((NextUInt64() >> 32) * (ulong)exclusiveMax >> 32);
    }

    /// <summary>Fills <paramref name="values"/> uniformly on [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public void FillUniform(Span<float> values, float low, float high)
    {
        var width = high - low;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = low + width * NextSingle();
        }
    }

    /// <summary>Fills <paramref name="values"/> from the standard normal distribution (Box–Muller).</summary>
    public void FillNormal(Span<float> values)
    {
        for (var i = 0; i < values.Length; i += 2)
        {
            var u1 = 1.0 - (NextUInt64() >> 11) * (1.0 / (1UL << 53));
            var u2 = (NextUInt64() >> 11) * (1.0 / (1UL << 53));
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = (float)(radius * Math.Cos(2.0 * Math.PI * u2));
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(radius * Math.Sin(2.0 * Math.PI * u2));
            }
        }
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
