namespace StaticSeq2Seq.Tests.Reference;

/// <summary>
/// Inverted dropout as a training pass documents it, written again from that description rather than calling the
/// runtime: element <c>index</c> of stream <c>stream</c> at step <c>step</c> is kept when the top 24 bits of
/// SplitMix64's finaliser chained over <c>seed ^ 0xD1B54A32D192ED03</c>, the stream, the step and the index, read as a
/// fraction of 2^24, are at least the rate; kept elements are scaled by 1 / (1 - rate). Streams: 0 the encoder's
/// embeddings, 1 the decoder's, 2 + 2l encoder layer l's output as layer l + 1 reads it, 3 + 2l the decoder's.
/// </summary>
internal sealed record ReferenceDropout(ulong Seed, float EmbeddingRate, float InterLayerRate)
{
    public const int EncoderEmbedding = 0;
    public const int DecoderEmbedding = 1;

    public static int EncoderLayerOutput(int layer) => 2 + 2 * layer;

    public static int DecoderLayerOutput(int layer) => 3 + 2 * layer;

    /// <summary>A new array: <paramref name="x"/> with this pass's mask of <paramref name="stream"/> at <paramref name="step"/> applied.</summary>
    public double[] Apply(double[] x, int stream, int step)
    {
        var rate = stream < 2 ? EmbeddingRate : InterLayerRate;
        var dropped = new double[x.Length];
        for (var index = 0; index < x.Length; index++)
        {
            dropped[index] = Keeps(Seed, stream, step, index, rate) ? x[index] / (1.0 - rate) : 0.0;
        }
        return dropped;
    }

    public static bool Keeps(ulong seed, int stream, int step, int index, float rate)
    {
        var hash = Finalize(seed ^ 0xD1B54A32D192ED03UL);
        foreach (var counter in new[] { stream, step, index })
        {
            hash = Finalize(hash ^ (uint)counter);
        }
        var fraction = (hash >> 40) / 16777216.0;
        return fraction >= rate;
    }

    /// <summary>SplitMix64's output step (Steele, Lea and Flood 2014): add the golden gamma, then two xor-shift-multiplies and a xor-shift.</summary>
    private static ulong Finalize(ulong state)
    {
        unchecked
        {
            var z = state + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
