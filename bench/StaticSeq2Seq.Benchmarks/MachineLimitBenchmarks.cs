using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace StaticSeq2Seq.Benchmarks;

/// <summary>
/// What one core of this machine can do at most, so the model's figures can be read as a fraction of it: fp32
/// fused multiply-adds per second with the widest vectors the JIT offers, and read bandwidth from a buffer that
/// fits the L2 cache and from one that only fits the L3.
/// </summary>
public class MachineLimitBenchmarks
{
    /// <summary>Multiply-adds one <see cref="FmaPeak"/> operation performs.</summary>
    public static long FmaPeakMultiplyAdds => (long)FmaRounds * 12 * Vector512<float>.Count;

    /// <summary>Bytes read by one <see cref="L2Read"/> operation (half of a 2 MiB per-core L2).</summary>
    public const int L2Bytes = 1 << 20;

    /// <summary>Bytes read by one <see cref="L3Read"/> operation: far beyond L2, within the L3.</summary>
    public const int L3Bytes = 32 << 20;

    private const int FmaRounds = 1 << 16;
    private float[] l2 = null!;
    private float[] l3 = null!;

    [GlobalSetup]
    public void Setup()
    {
        l2 = Enumerable.Range(0, L2Bytes / sizeof(float)).Select(i => (float)(i % 7)).ToArray();
        l3 = Enumerable.Range(0, L3Bytes / sizeof(float)).Select(i => (float)(i % 7)).ToArray();
    }

    /// <summary>Twelve independent chains of 512-bit FMAs, enough to cover the FMA latency on two ports.</summary>
    /// <remarks>Compiled fully optimised at once: tiered compilation would otherwise time its first tier or an on-stack replacement.</remarks>
    [Benchmark(Description = "fp32 FMA peak")]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float FmaPeak()
    {
        var x = Vector512.Create(0.999f);
        var y = Vector512.Create(1e-7f);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        for (var i = 0; i < FmaRounds; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y);
            a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y);
            a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y);
            a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y);
            a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y);
            a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y);
            a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [Benchmark(Description = "read 1 MiB (L2)")]
    public float L2Read() => Sum(l2);

    [Benchmark(Description = "read 32 MiB (L3)")]
    public float L3Read() => Sum(l3);

    /// <summary>Sums with eight independent 512-bit accumulators, so loads, not adds, bound the loop.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Sum(float[] data)
    {
        ref var start = ref data[0];
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        var width = Vector512<float>.Count;
        for (nuint i = 0; i < (nuint)data.Length; i += (nuint)(8 * width))
        {
            s0 += Vector512.LoadUnsafe(ref start, i);
            s1 += Vector512.LoadUnsafe(ref start, i + (nuint)width);
            s2 += Vector512.LoadUnsafe(ref start, i + (nuint)(2 * width));
            s3 += Vector512.LoadUnsafe(ref start, i + (nuint)(3 * width));
            s4 += Vector512.LoadUnsafe(ref start, i + (nuint)(4 * width));
            s5 += Vector512.LoadUnsafe(ref start, i + (nuint)(5 * width));
            s6 += Vector512.LoadUnsafe(ref start, i + (nuint)(6 * width));
            s7 += Vector512.LoadUnsafe(ref start, i + (nuint)(7 * width));
        }
        return Vector512.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7);
    }
}
