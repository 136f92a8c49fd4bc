using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticSeq2Seq.Numerics;

/// <summary>
/// The GRU cell's gate math after its two products, as torch.nn.GRU computes it, in one pass over the hidden units:
/// with gi = W_ih x + b_ih and gh = W_hh h + b_hh in gate order (r, z, n),
/// <code>
///   r = σ(gi_r + gh_r),  z = σ(gi_z + gh_z),  n = tanh(gi_n + r ⊙ gh_n),  h' = n + z ⊙ (h − n)
/// </code>
/// (h' = (1 − z) ⊙ n + z ⊙ h with one multiply fewer). σ and tanh are <see cref="Activations"/>'; r ⊙ gh_n + gi_n and
/// z ⊙ (h − n) + n are fused multiply-adds. Every vector width and the scalar loop do the same operations in the same
/// order, so the bits do not depend on the processor.
/// <para>
/// One pass instead of a call per operation matters at decoding's sizes: a step's gates are a few hundred floats, and
/// seven passes over them cost more in calls and reloads than in arithmetic.
/// </para>
/// </summary>
public static class GruGates
{
    /// <summary>
    /// The forward gate math for a hidden size of <paramref name="h"/>'s length H. <paramref name="gates"/> holds gi
    /// (3H) on entry and r, z, n on return; <paramref name="gatesHh"/> holds gh (3H); gh_n is copied to
    /// <paramref name="hiddenN"/> (H) for the backward pass; h' goes to <paramref name="hNext"/> (H), which may be
    /// <paramref name="h"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the hidden size asks for.</exception>
    public static void Forward(Span<float> gates, ReadOnlySpan<float> gatesHh, ReadOnlySpan<float> h, Span<float> hiddenN, Span<float> hNext)
    {
        int size = h.Length;
        CellSpans.Require(3 * size, gates.Length, size, nameof(gates));
        CellSpans.Require(3 * size, gatesHh.Length, size, nameof(gatesHh));
        CellSpans.Require(size, hiddenN.Length, size, nameof(hiddenN));
        CellSpans.Require(size, hNext.Length, size, nameof(hNext));
        ref float gi = ref MemoryMarshal.GetReference(gates);
        ref float gh = ref MemoryMarshal.GetReference(gatesHh);
        ref float hs = ref MemoryMarshal.GetReference(h);
        ref float ghn = ref MemoryMarshal.GetReference(hiddenN);
        ref float next = ref MemoryMarshal.GetReference(hNext);
        nuint n = (nuint)size, z = n, c = 2 * n, k = 0;
        // The 512-, 256- and 128-bit loops are the same lines at three widths, as in Activations: no shared vector interface.
        if (Vector512.IsHardwareAccelerated)
        {
            for (; k + 16 <= n; k += 16)
            {
                var r = Activations.Sigmoid(Vector512.LoadUnsafe(ref gi, k) + Vector512.LoadUnsafe(ref gh, k));
                var u = Activations.Sigmoid(Vector512.LoadUnsafe(ref gi, z + k) + Vector512.LoadUnsafe(ref gh, z + k));
                var hn = Vector512.LoadUnsafe(ref gh, c + k);
                var candidate = Activations.Tanh(Vector512.FusedMultiplyAdd(r, hn, Vector512.LoadUnsafe(ref gi, c + k)));
                var hk = Vector512.LoadUnsafe(ref hs, k);
                r.StoreUnsafe(ref gi, k);
                u.StoreUnsafe(ref gi, z + k);
                candidate.StoreUnsafe(ref gi, c + k);
                hn.StoreUnsafe(ref ghn, k);
                Vector512.FusedMultiplyAdd(u, hk - candidate, candidate).StoreUnsafe(ref next, k);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; k + 8 <= n; k += 8)
            {
                var r = Activations.Sigmoid(Vector256.LoadUnsafe(ref gi, k) + Vector256.LoadUnsafe(ref gh, k));
                var u = Activations.Sigmoid(Vector256.LoadUnsafe(ref gi, z + k) + Vector256.LoadUnsafe(ref gh, z + k));
                var hn = Vector256.LoadUnsafe(ref gh, c + k);
                var candidate = Activations.Tanh(Vector256.FusedMultiplyAdd(r, hn, Vector256.LoadUnsafe(ref gi, c + k)));
                var hk = Vector256.LoadUnsafe(ref hs, k);
                r.StoreUnsafe(ref gi, k);
                u.StoreUnsafe(ref gi, z + k);
                candidate.StoreUnsafe(ref gi, c + k);
                hn.StoreUnsafe(ref ghn, k);
                Vector256.FusedMultiplyAdd(u, hk - candidate, candidate).StoreUnsafe(ref next, k);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; k + 4 <= n; k += 4)
            {
                var r = Activations.Sigmoid(Vector128.LoadUnsafe(ref gi, k) + Vector128.LoadUnsafe(ref gh, k));
                var u = Activations.Sigmoid(Vector128.LoadUnsafe(ref gi, z + k) + Vector128.LoadUnsafe(ref gh, z + k));
                var hn = Vector128.LoadUnsafe(ref gh, c + k);
                var candidate = Activations.Tanh(Vector128.FusedMultiplyAdd(r, hn, Vector128.LoadUnsafe(ref gi, c + k)));
                var hk = Vector128.LoadUnsafe(ref hs, k);
                r.StoreUnsafe(ref gi, k);
                u.StoreUnsafe(ref gi, z + k);
                candidate.StoreUnsafe(ref gi, c + k);
                hn.StoreUnsafe(ref ghn, k);
                Vector128.FusedMultiplyAdd(u, hk - candidate, candidate).StoreUnsafe(ref next, k);
            }
        }
        for (; k < n; k++)
        {
            float r = Activations.Sigmoid(Unsafe.Add(ref gi, k) + Unsafe.Add(ref gh, k));
            float u = Activations.Sigmoid(Unsafe.Add(ref gi, z + k) + Unsafe.Add(ref gh, z + k));
            float hn = Unsafe.Add(ref gh, c + k);
            float candidate = Activations.Tanh(MathF.FusedMultiplyAdd(r, hn, Unsafe.Add(ref gi, c + k)));
            float hk = Unsafe.Add(ref hs, k);
            Unsafe.Add(ref gi, k) = r;
            Unsafe.Add(ref gi, z + k) = u;
            Unsafe.Add(ref gi, c + k) = candidate;
            Unsafe.Add(ref ghn, k) = hn;
            Unsafe.Add(ref next, k) = MathF.FusedMultiplyAdd(u, hk - candidate, candidate);
        }
    }
}
