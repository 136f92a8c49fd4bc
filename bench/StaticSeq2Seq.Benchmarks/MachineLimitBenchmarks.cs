using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace StaticSeq2Seq.Benchmarks;

/// <summary>
/// What one core of this machine can do at most, so the model's figures can be read as a fraction of it: fp32
/// fused multiply-adds per second with the widest vectors the JIT offers, both from registers alone and in the form a
/// decoder step runs them (a matrix-vector product whose weights are in L1), and read bandwidth from a buffer that
/// fits the L2 cache and from one that only fits the L3.
/// </summary>
public class MachineLimitBenchmarks
{
    /// <summary>Multiply-adds one <see cref="FmaPeak"/> operation performs.</summary>
    public static long FmaPeakMultiplyAdds => (long)FmaRounds * 12 * Vector512<float>.Count;

    /// <summary>Multiply-adds one <see cref="L1MatrixVector"/> operation performs.</summary>
    public static long L1MatrixVectorMultiplyAdds => (long)MatrixVectorRounds * MatrixVectorInputs * MatrixVectorOutputs;

    /// <summary>Bytes read by one <see cref="L2Read"/> operation (half of a 2 MiB per-core L2).</summary>
    public const int L2Bytes = 1 << 20;

    /// <summary>Bytes read by one <see cref="L3Read"/> operation: far beyond L2, within the L3.</summary>
    public const int L3Bytes = 32 << 20;

    private const int FmaRounds = 1 << 16;

    // A (192, 16) matrix, 12 KiB: twelve 512-bit vectors of outputs per input, as in a GRU's W_hh with 64 outputs per
    // gate, and small enough to stay in L1 between rounds.
    private const int MatrixVectorInputs = 16;
    private const int MatrixVectorOutputs = 192;
    private const int MatrixVectorRounds = 1 << 12;
    private float[] matrix = null!;
    private float[] vector = null!;
    private float[] l2 = null!;
    private float[] l3 = null!;

    [GlobalSetup]
    public void Setup()
    {
        matrix = Enumerable.Range(0, MatrixVectorInputs * MatrixVectorOutputs).Select(i => 1e-3f * (i % 5)).ToArray();
        vector = Enumerable.Range(0, MatrixVectorInputs).Select(i => 0.5f + 0.01f * i).ToArray();
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

    /// <summary>
    /// y += W x over and over for an L1-resident W, in the generated forward kernels' form: twelve accumulators, one
    /// input broadcast at a time, each weight vector an operand loaded from memory. Bounded by the loads feeding the
    /// FMAs rather than by the FMAs alone, so it is the ceiling of a decoder step whose weights are all in L1.
    /// </summary>
    [Benchmark(Description = "fp32 matrix-vector, weights in L1")]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float L1MatrixVector()
    {
        ref var w = ref matrix[0];
        ref var x = ref vector[0];
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        for (var round = 0; round < MatrixVectorRounds; round++)
        {
            for (nuint j = 0; j < MatrixVectorInputs; j++)
            {
                var xj = Vector512.Create(Unsafe.Add(ref x, j));
                ref var row = ref Unsafe.Add(ref w, j * MatrixVectorOutputs);
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 0), xj, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 16), xj, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 32), xj, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 48), xj, a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 64), xj, a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 80), xj, a5);
                a6 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 96), xj, a6);
                a7 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 112), xj, a7);
                a8 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 128), xj, a8);
                a9 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 144), xj, a9);
                a10 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 160), xj, a10);
                a11 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 176), xj, a11);
            }
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
