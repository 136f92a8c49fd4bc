using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticSeq2Seq.Numerics;

/// <summary>
/// The LSTM cell's gate math after its two products, as torch.nn.LSTM computes it, in one pass over the hidden units:
/// with gi = W_ih x + b_ih and gh = W_hh h + b_hh in gate order (i, f, g, o),
/// <code>
///   i = σ(gi_i + gh_i),  f = σ(gi_f + gh_f),  g = tanh(gi_g + gh_g),  o = σ(gi_o + gh_o),
///   c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
/// </code>
/// σ and tanh are <see cref="Activations"/>'; f ⊙ c + (i ⊙ g) is a fused multiply-add. Every vector width and the
/// scalar loop do the same operations in the same order, so the bits do not depend on the processor. One pass for the
/// same reason as <see cref="GruGates"/>.
/// </summary>
public static class LstmGates
{
    /// <summary>
    /// The forward gate math for a hidden size of <paramref name="c"/>'s length H. <paramref name="gates"/> holds gi
    /// (4H) on entry and i, f, g, o on return; <paramref name="gatesHh"/> holds gh (4H); c' goes to
    /// <paramref name="cNext"/> and h' to <paramref name="hNext"/> (H each; <paramref name="cNext"/> may be
    /// <paramref name="c"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the hidden size asks for.</exception>
    public static void Forward(Span<float> gates, ReadOnlySpan<float> gatesHh, ReadOnlySpan<float> c, Span<float> cNext, Span<float> hNext)
    {
        int size = c.Length;
        CellSpans.Require(4 * size, gates.Length, size, nameof(gates));
        CellSpans.Require(4 * size, gatesHh.Length, size, nameof(gatesHh));
        CellSpans.Require(size, cNext.Length, size, nameof(cNext));
        CellSpans.Require(size, hNext.Length, size, nameof(hNext));
        ref float gi = ref MemoryMarshal.GetReference(gates);
        ref float gh = ref MemoryMarshal.GetReference(gatesHh);
        ref float cs = ref MemoryMarshal.GetReference(c);
        ref float cn = ref MemoryMarshal.GetReference(cNext);
        ref float hn = ref MemoryMarshal.GetReference(hNext);
        nuint n = (nuint)size, f = n, g = 2 * n, o = 3 * n, k = 0;
        // The 512-, 256- and 128-bit loops are the same lines at three widths, as in Activations: no shared vector interface.
        if (Vector512.IsHardwareAccelerated)
        {
            for (; k + 16 <= n; k += 16)
            {
                var input = Activations.Sigmoid(Vector512.LoadUnsafe(ref gi, k) + Vector512.LoadUnsafe(ref gh, k));
                var forget = Activations.Sigmoid(Vector512.LoadUnsafe(ref gi, f + k) + Vector512.LoadUnsafe(ref gh, f + k));
                var cell = Activations.Tanh(Vector512.LoadUnsafe(ref gi, g + k) + Vector512.LoadUnsafe(ref gh, g + k));
                var output = Activations.Sigmoid(Vector512.LoadUnsafe(ref gi, o + k) + Vector512.LoadUnsafe(ref gh, o + k));
                var next = Vector512.FusedMultiplyAdd(forget, Vector512.LoadUnsafe(ref cs, k), input * cell);
                input.StoreUnsafe(ref gi, k);
                forget.StoreUnsafe(ref gi, f + k);
                cell.StoreUnsafe(ref gi, g + k);
                output.StoreUnsafe(ref gi, o + k);
                next.StoreUnsafe(ref cn, k);
                (output * Activations.Tanh(next)).StoreUnsafe(ref hn, k);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; k + 8 <= n; k += 8)
            {
                var input = Activations.Sigmoid(Vector256.LoadUnsafe(ref gi, k) + Vector256.LoadUnsafe(ref gh, k));
                var forget = Activations.Sigmoid(Vector256.LoadUnsafe(ref gi, f + k) + Vector256.LoadUnsafe(ref gh, f + k));
                var cell = Activations.Tanh(Vector256.LoadUnsafe(ref gi, g + k) + Vector256.LoadUnsafe(ref gh, g + k));
                var output = Activations.Sigmoid(Vector256.LoadUnsafe(ref gi, o + k) + Vector256.LoadUnsafe(ref gh, o + k));
                var next = Vector256.FusedMultiplyAdd(forget, Vector256.LoadUnsafe(ref cs, k), input * cell);
                input.StoreUnsafe(ref gi, k);
                forget.StoreUnsafe(ref gi, f + k);
                cell.StoreUnsafe(ref gi, g + k);
                output.StoreUnsafe(ref gi, o + k);
                next.StoreUnsafe(ref cn, k);
                (output * Activations.Tanh(next)).StoreUnsafe(ref hn, k);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; k + 4 <= n; k += 4)
            {
                var input = Activations.Sigmoid(Vector128.LoadUnsafe(ref gi, k) + Vector128.LoadUnsafe(ref gh, k));
                var forget = Activations.Sigmoid(Vector128.LoadUnsafe(ref gi, f + k) + Vector128.LoadUnsafe(ref gh, f + k));
                var cell = Activations.Tanh(Vector128.LoadUnsafe(ref gi, g + k) + Vector128.LoadUnsafe(ref gh, g + k));
                var output = Activations.Sigmoid(Vector128.LoadUnsafe(ref gi, o + k) + Vector128.LoadUnsafe(ref gh, o + k));
                var next = Vector128.FusedMultiplyAdd(forget, Vector128.LoadUnsafe(ref cs, k), input * cell);
                input.StoreUnsafe(ref gi, k);
                forget.StoreUnsafe(ref gi, f + k);
                cell.StoreUnsafe(ref gi, g + k);
                output.StoreUnsafe(ref gi, o + k);
                next.StoreUnsafe(ref cn, k);
                (output * Activations.Tanh(next)).StoreUnsafe(ref hn, k);
            }
        }
        for (; k < n; k++)
        {
            float input = Activations.Sigmoid(Unsafe.Add(ref gi, k) + Unsafe.Add(ref gh, k));
            float forget = Activations.Sigmoid(Unsafe.Add(ref gi, f + k) + Unsafe.Add(ref gh, f + k));
            float cell = Activations.Tanh(Unsafe.Add(ref gi, g + k) + Unsafe.Add(ref gh, g + k));
            float output = Activations.Sigmoid(Unsafe.Add(ref gi, o + k) + Unsafe.Add(ref gh, o + k));
            float next = MathF.FusedMultiplyAdd(forget, Unsafe.Add(ref cs, k), input * cell);
            Unsafe.Add(ref gi, k) = input;
            Unsafe.Add(ref gi, f + k) = forget;
            Unsafe.Add(ref gi, g + k) = cell;
            Unsafe.Add(ref gi, o + k) = output;
            Unsafe.Add(ref cn, k) = next;
            Unsafe.Add(ref hn, k) = output * Activations.Tanh(next);
        }
    }
}
