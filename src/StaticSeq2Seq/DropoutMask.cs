using System;

namespace StaticSeq2Seq;

/// <summary>
/// Inverted dropout's masks, each element's a counter-based hash of the pass's seed, the masked tensor (its stream), the
/// time step and the element's index: no random state is carried, so a mask is the same whichever thread draws it and
/// in whatever order, and the backward pass can apply exactly the forward pass's mask. The hash is SplitMix64's
/// finaliser chained over <c>seed ^ 0xD1B54A32D192ED03</c>, the stream, the step and the index (each as an unsigned
/// 32-bit value); the top 24 bits of the result, as a fraction u in [0, 1), keep the element when u &gt;= rate, and a
/// kept element is scaled by 1 / (1 - rate).
/// </summary>
public static class DropoutMask
{
    /// <summary>The stream of the encoder's embedded source tokens.</summary>
    public const int EncoderEmbeddingStream = 0;

    /// <summary>The stream of the decoder's embedded input tokens.</summary>
    public const int DecoderEmbeddingStream = 1;

    /// <summary>The stream of encoder layer <paramref name="layer"/>'s output where layer + 1 reads it ([forward ; reverse] in a bidirectional encoder).</summary>
    public static int EncoderLayerOutputStream(int layer) => 2 + 2 * layer;

    /// <summary>The stream of decoder layer <paramref name="layer"/>'s output where layer + 1 reads it.</summary>
    public static int DecoderLayerOutputStream(int layer) => 3 + 2 * layer;

    /// <summary>Whether a stream masks embedded tokens (rather than a layer's output).</summary>
    public static bool IsEmbeddingStream(int stream) => stream < 2;

    /// <summary>
    /// Whether element <paramref name="index"/> of <paramref name="stream"/> at time step <paramref name="step"/> survives
    /// dropout at <paramref name="rate"/> in the pass seeded with <paramref name="seed"/>.
    /// </summary>
    public static bool Keeps(ulong seed, int stream, int step, int index, float rate) =>
        Fraction(SplitMix.Mix(StepKey(seed, stream, step) ^ (uint)index)) >= rate;

    /// <summary>Writes <paramref name="x"/> masked and scaled into <paramref name="y"/> (which may be <paramref name="x"/>).</summary>
    internal static void Apply(ReadOnlySpan<float> x, Span<float> y, ulong seed, int stream, int step, float rate)
    {
        var key = StepKey(seed, stream, step);
        var scale = 1f / (1f - rate);
        for (var j = 0; j < y.Length; j++)
        {
            y[j] = Fraction(SplitMix.Mix(key ^ (uint)j)) >= rate ? x[j] * scale : 0f;
        }
    }

    /// <summary>Adds <paramref name="dy"/> masked and scaled into <paramref name="dx"/>: the backward pass of <see cref="Apply"/>.</summary>
    internal static void AddBackward(ReadOnlySpan<float> dy, Span<float> dx, ulong seed, int stream, int step, float rate)
    {
        var key = StepKey(seed, stream, step);
        var scale = 1f / (1f - rate);
        for (var j = 0; j < dx.Length; j++)
        {
            if (Fraction(SplitMix.Mix(key ^ (uint)j)) >= rate)
            {
                dx[j] += dy[j] * scale;
            }
        }
    }

    private static ulong StepKey(ulong seed, int stream, int step) =>
        SplitMix.Mix(SplitMix.Mix(SplitMix.Mix(seed ^ 0xD1B54A32D192ED03UL) ^ (uint)stream) ^ (uint)step);

    private static float Fraction(ulong bits) => (bits >> 40) * (1.0f / (1 << 24));
}
