using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticSeq2Seq.Numerics;

/// <summary>
/// The cells' and Bahdanau attention's tanh and sigmoid, in single precision throughout. tanh is the rational
/// approximation ONNX Runtime's MLAS and Eigen use: x·P(x²)/Q(x²) with a degree-13 odd numerator and a degree-6 even
/// denominator, the input clamped to ±7.90531110763549805. It is within 2.8e-7 of tanh (a walk over every seventh float
/// up to 20 found 2.77e-7 at most), a few ulp near zero, and past the clamp it stays at ±0.99999976. sigmoid is
/// 0.5·tanh(x/2) + 0.5, within 1.7e-7 of 1 / (1 + e^-x): absolute accuracy, so below about -15.8 it stays at 1.2e-7
/// rather than going to 0, and above 15.8 at 0.9999999. Both cost about a third of <c>TensorPrimitives</c>' tanh,
/// which evaluates its exponential in double precision to within an ulp, and they run in the gates of every step.
/// <para>
/// The 512-, 256- and 128-bit forms and the scalar one do the same operations in the same order, fused multiply-adds
/// included, so an element's value does not depend on the vector width, the span's length or the element's position.
/// A NaN input gives a NaN.
/// </para>
/// </summary>
public static class Activations
{
    private const float Clamp = 7.90531110763549805f;
    private const float P13 = -2.76076847742355e-16f;
    private const float P11 = 2.00018790482477e-13f;
    private const float P9 = -8.60467152213735e-11f;
    private const float P7 = 5.12229709037114e-08f;
    private const float P5 = 1.48572235717979e-05f;
    private const float P3 = 6.37261928875436e-04f;
    private const float P1 = 4.89352455891786e-03f;
    private const float Q6 = 1.19825839466702e-06f;
    private const float Q4 = 1.18534705686654e-04f;
    private const float Q2 = 2.26843463243900e-03f;
    private const float Q0 = 4.89352518554385e-03f;

    /// <summary>tanh of one value.</summary>
    public static float Tanh(float x)
    {
        x = MathF.Min(MathF.Max(x, -Clamp), Clamp);
        float x2 = x * x;
        float p = MathF.FusedMultiplyAdd(x2, P13, P11);
        p = MathF.FusedMultiplyAdd(p, x2, P9);
        p = MathF.FusedMultiplyAdd(p, x2, P7);
        p = MathF.FusedMultiplyAdd(p, x2, P5);
        p = MathF.FusedMultiplyAdd(p, x2, P3);
        p = MathF.FusedMultiplyAdd(p, x2, P1);
        float q = MathF.FusedMultiplyAdd(x2, Q6, Q4);
        q = MathF.FusedMultiplyAdd(q, x2, Q2);
        q = MathF.FusedMultiplyAdd(q, x2, Q0);
        return p * x / q;
    }

    /// <summary>sigmoid of one value, 1 / (1 + e^-x).</summary>
    public static float Sigmoid(float x) => MathF.FusedMultiplyAdd(Tanh(x * 0.5f), 0.5f, 0.5f);

    /// <summary>tanh of every value of <paramref name="x"/>, into the same position of <paramref name="destination"/> (which may be <paramref name="x"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="x"/>.</exception>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> destination)
    {
        RequireLength(x.Length, destination.Length, nameof(destination));
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                Tanh(Vector512.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Tanh(Vector256.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                Tanh(Vector128.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ys, i) = Tanh(Unsafe.Add(ref xs, i));
        }
    }

    /// <summary>sigmoid of every value of <paramref name="x"/>, into the same position of <paramref name="destination"/> (which may be <paramref name="x"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="x"/>.</exception>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> destination)
    {
        RequireLength(x.Length, destination.Length, nameof(destination));
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                Sigmoid(Vector512.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Sigmoid(Vector256.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                Sigmoid(Vector128.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ys, i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ys, i) = Sigmoid(Unsafe.Add(ref xs, i));
        }
    }

    /// <summary>
    /// tanh(x + y) for every position, into <paramref name="destination"/> (which may be either input): Bahdanau's
    /// e_j = tanh(W_a q + b_a + key_j), which the backward pass recomputes.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> or <paramref name="destination"/> is shorter than <paramref name="x"/>.</exception>
    public static void TanhOfSum(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        RequireLength(x.Length, y.Length, nameof(y));
        RequireLength(x.Length, destination.Length, nameof(destination));
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                Tanh(Vector512.LoadUnsafe(ref xs, i) + Vector512.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ds, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Tanh(Vector256.LoadUnsafe(ref xs, i) + Vector256.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ds, i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                Tanh(Vector128.LoadUnsafe(ref xs, i) + Vector128.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ds, i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ds, i) = Tanh(Unsafe.Add(ref xs, i) + Unsafe.Add(ref ys, i));
        }
    }

    /// <summary>
    /// Σ_k w_k tanh(x_k + y_k) in one pass, nothing stored: Bahdanau's score v_a · tanh(W_a q + b_a + key_j) without its
    /// bias. Each tanh is the value <see cref="TanhOfSum"/> gives; the sum's order depends on the vector width.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> or <paramref name="y"/> is shorter than <paramref name="w"/>.</exception>
    public static float DotTanhOfSum(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        RequireLength(w.Length, x.Length, nameof(x));
        RequireLength(w.Length, y.Length, nameof(y));
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)w.Length, i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var e = Tanh(Vector512.LoadUnsafe(ref xs, i) + Vector512.LoadUnsafe(ref ys, i));
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ws, i), e, acc);
            }
            sum = Vector512.Sum(acc);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var e = Tanh(Vector256.LoadUnsafe(ref xs, i) + Vector256.LoadUnsafe(ref ys, i));
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ws, i), e, acc);
            }
            sum += Vector256.Sum(acc);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var acc = Vector128<float>.Zero;
            for (; i + 4 <= n; i += 4)
            {
                var e = Tanh(Vector128.LoadUnsafe(ref xs, i) + Vector128.LoadUnsafe(ref ys, i));
                acc = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref ws, i), e, acc);
            }
            sum += Vector128.Sum(acc);
        }
        for (; i < n; i++)
        {
            sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref ws, i), Tanh(Unsafe.Add(ref xs, i) + Unsafe.Add(ref ys, i)), sum);
        }
        return sum;
    }

    // The vector forms repeat Tanh(float) line for line at each width: Vector512<T>, Vector256<T> and Vector128<T> (the
    // width ARM64's AdvSimd accelerates) share no public interface with a fused multiply-add that one generic method
    // could call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Tanh(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-Clamp)), Vector512.Create(Clamp));
        var x2 = x * x;
        var p = Vector512.FusedMultiplyAdd(x2, Vector512.Create(P13), Vector512.Create(P11));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(P9));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(P7));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(P1));
        var q = Vector512.FusedMultiplyAdd(x2, Vector512.Create(Q6), Vector512.Create(Q4));
        q = Vector512.FusedMultiplyAdd(q, x2, Vector512.Create(Q2));
        q = Vector512.FusedMultiplyAdd(q, x2, Vector512.Create(Q0));
        return p * x / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Sigmoid(Vector512<float> x)
    {
        var half = Vector512.Create(0.5f);
        return Vector512.FusedMultiplyAdd(Tanh(x * half), half, half);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Sigmoid(Vector256<float> x)
    {
        var half = Vector256.Create(0.5f);
        return Vector256.FusedMultiplyAdd(Tanh(x * half), half, half);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Tanh(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-Clamp)), Vector256.Create(Clamp));
        var x2 = x * x;
        var p = Vector256.FusedMultiplyAdd(x2, Vector256.Create(P13), Vector256.Create(P11));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(P9));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(P7));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(P1));
        var q = Vector256.FusedMultiplyAdd(x2, Vector256.Create(Q6), Vector256.Create(Q4));
        q = Vector256.FusedMultiplyAdd(q, x2, Vector256.Create(Q2));
        q = Vector256.FusedMultiplyAdd(q, x2, Vector256.Create(Q0));
        return p * x / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Sigmoid(Vector128<float> x)
    {
        var half = Vector128.Create(0.5f);
        return Vector128.FusedMultiplyAdd(Tanh(x * half), half, half);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Tanh(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(-Clamp)), Vector128.Create(Clamp));
        var x2 = x * x;
        var p = Vector128.FusedMultiplyAdd(x2, Vector128.Create(P13), Vector128.Create(P11));
        p = Vector128.FusedMultiplyAdd(p, x2, Vector128.Create(P9));
        p = Vector128.FusedMultiplyAdd(p, x2, Vector128.Create(P7));
        p = Vector128.FusedMultiplyAdd(p, x2, Vector128.Create(P5));
        p = Vector128.FusedMultiplyAdd(p, x2, Vector128.Create(P3));
        p = Vector128.FusedMultiplyAdd(p, x2, Vector128.Create(P1));
        var q = Vector128.FusedMultiplyAdd(x2, Vector128.Create(Q6), Vector128.Create(Q4));
        q = Vector128.FusedMultiplyAdd(q, x2, Vector128.Create(Q2));
        q = Vector128.FusedMultiplyAdd(q, x2, Vector128.Create(Q0));
        return p * x / q;
    }

    private static void RequireLength(int length, int actual, string name)
    {
        if (actual < length)
        {
            throw new ArgumentException(
                $"'{name}' holds {actual} values but the first input has {length}; pass spans at least as long as the first input.",
                name);
        }
    }
}
