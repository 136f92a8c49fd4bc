using System;

namespace StaticSeq2Seq;

/// <summary>
/// The random choices of one pair's training forward pass (<see cref="ISeq2SeqModel.Forward(Seq2SeqWorkspace, ReadOnlySpan{int}, ReadOnlySpan{int}, in TrainingPass)"/>):
/// whether the decoder is teacher-forced, drawn from <see cref="Seed"/>, and which elements dropout zeroes, each a hash
/// of <see cref="Seed"/> (<see cref="DropoutMask"/>). Everything random in the pass comes from
/// <see cref="Seed"/> alone, never from state shared between calls, so pairs may run on any thread in any order and
/// the run stays the same; <see cref="PairSeed"/> derives a seed from the training seed, the step and the pair's place
/// in its batch.
/// </summary>
/// <param name="Seed">Seeds this pass's draws.</param>
/// <param name="TeacherForcingRatio">
/// The probability that the decoder reads the target (teacher forcing) rather than its own argmax of the previous step
/// (free running) for the whole sequence, as the PyTorch translation tutorial decides per sequence. 1 always forces.
/// </param>
/// <param name="EmbeddingDropout">
/// The probability that each element of the encoder's and the decoder's embedded input tokens is zeroed (inverted
/// dropout: kept elements are scaled by 1 / (1 - rate)), as the PyTorch tutorial's <c>dropout(embedding(input))</c>.
/// From 0 (none) up to, not including, 1.
/// </param>
/// <param name="InterLayerDropout">
/// The same for each layer's output where the layer above reads it, in the encoder and the decoder, as
/// <c>torch.nn.GRU(dropout=p)</c>: the top layer's output and the recurrent states are never dropped. From 0 (none) up
/// to, not including, 1; it matters only with 2 or more layers.
/// </param>
public readonly record struct TrainingPass(ulong Seed, float TeacherForcingRatio = 1f, float EmbeddingDropout = 0f, float InterLayerDropout = 0f)
{
    /// <summary>A pass that always teacher-forces and drops nothing: what decoding and the plain <see cref="ISeq2SeqModel.Forward(Seq2SeqWorkspace, ReadOnlySpan{int}, ReadOnlySpan{int})"/> runs.</summary>
    public static TrainingPass TeacherForced => new(0, 1f);

    /// <summary>Whether this pass always teacher-forces, whatever its seed.</summary>
    public bool IsTeacherForced => TeacherForcingRatio >= 1f;

    /// <summary>Whether this pass drops anything.</summary>
    public bool HasDropout => EmbeddingDropout > 0f || InterLayerDropout > 0f;

    /// <summary>
    /// The seed of pair <paramref name="pairIndex"/> of the batch of step <paramref name="step"/> of a run seeded with
    /// <paramref name="trainingSeed"/>: SplitMix64's finaliser over the three, so nearby steps and pairs get unrelated streams.
    /// </summary>
    public static ulong PairSeed(ulong trainingSeed, long step, int pairIndex)
    {
        var z = SplitMix.Mix(trainingSeed ^ 0x9E3779B97F4A7C15UL);
        z = SplitMix.Mix(z ^ (ulong)step);
        return SplitMix.Mix(z ^ (uint)pairIndex);
    }

    /// <summary>Checks the ratio and the dropout rates; the generated models call this before they draw from the pass.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is not in [0, 1], or a dropout rate not in [0, 1).</exception>
    public void Validate()
    {
        if (!(TeacherForcingRatio is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(TeacherForcingRatio), TeacherForcingRatio,
                "The teacher-forcing ratio is a probability: give a value from 0 (always free running) to 1 (always teacher-forced).");
        }
        CheckDropoutRate(EmbeddingDropout, nameof(EmbeddingDropout));
        CheckDropoutRate(InterLayerDropout, nameof(InterLayerDropout));
    }

    /// <summary>Checks a dropout rate: a probability of zeroing, from 0 up to, not including, 1 (which would zero everything).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not in [0, 1).</exception>
    internal static float CheckDropoutRate(float rate, string name) => rate is >= 0f and < 1f
        ? rate
        : throw new ArgumentOutOfRangeException(name, rate,
            "A dropout rate is the probability of zeroing an element: give a value from 0 (no dropout) up to, not including, 1; 0.1 to 0.5 are usual.");

    /// <summary>The rate of dropout <paramref name="stream"/> (one of <see cref="DropoutMask"/>'s streams) in this pass.</summary>
    public float DropoutRate(int stream) => DropoutMask.IsEmbeddingStream(stream) ? EmbeddingDropout : InterLayerDropout;

    /// <summary>
    /// What a layer reads at time step <paramref name="step"/> of <paramref name="stream"/>: <paramref name="x"/> itself
    /// when the stream's rate is 0, otherwise <paramref name="x"/> masked and scaled, written into and returned as
    /// <paramref name="dropped"/> (which the backward pass reads again through <see cref="DroppedInput"/>).
    /// </summary>
    public ReadOnlySpan<float> Drop(ReadOnlySpan<float> x, Span<float> dropped, int stream, int step)
    {
        var rate = DropoutRate(stream);
        if (rate == 0f)
        {
            return x;
        }
        DropoutMask.Apply(x, dropped, Seed, stream, step, rate);
        return dropped;
    }

    /// <summary>Masks and scales <paramref name="x"/> in place (nothing at rate 0): a layer output, or its gradient, that is kept only as the layer above reads it.</summary>
    public void DropInPlace(Span<float> x, int stream, int step)
    {
        var rate = DropoutRate(stream);
        if (rate != 0f)
        {
            DropoutMask.Apply(x, x, Seed, stream, step, rate);
        }
    }

    /// <summary>What <see cref="Drop"/> returned for the same arguments, without drawing again: the backward pass's input.</summary>
    public ReadOnlySpan<float> DroppedInput(ReadOnlySpan<float> x, ReadOnlySpan<float> dropped, int stream) =>
        DropoutRate(stream) == 0f ? x : dropped;

    /// <summary>
    /// Where a layer's backward pass adds dL/d(its input): <paramref name="dx"/> itself when the stream's rate is 0,
    /// otherwise <paramref name="scratch"/>, cleared, which <see cref="AddDroppedGradient"/> then masks into <paramref name="dx"/>.
    /// </summary>
    public Span<float> GradientTarget(Span<float> dx, Span<float> scratch, int stream)
    {
        if (DropoutRate(stream) == 0f)
        {
            return dx;
        }
        scratch.Clear();
        return scratch;
    }

    /// <summary>
    /// Adds <paramref name="dDropped"/> (from <see cref="GradientTarget"/>) masked and scaled into <paramref name="dx"/>;
    /// nothing at rate 0, where the layer added into <paramref name="dx"/> directly.
    /// </summary>
    public void AddDroppedGradient(ReadOnlySpan<float> dDropped, Span<float> dx, int stream, int step)
    {
        var rate = DropoutRate(stream);
        if (rate != 0f)
        {
            DropoutMask.AddBackward(dDropped, dx, Seed, stream, step, rate);
        }
    }

    /// <summary>Whether the pass teacher-forces its sequence: a draw from <paramref name="random"/> below the ratio (always true at 1).</summary>
    public bool DrawTeacherForcing(ref SeededRandom random) => random.NextSingle() < TeacherForcingRatio;
}
