using System;

namespace StaticSeq2Seq.Data;

/// <summary>
/// One training example: a source sentence and its target, as token ids without SOS or EOS (the model adds
/// those itself).
/// </summary>
public sealed record SequencePair
{
    /// <summary>Pairs <paramref name="source"/> with <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentNullException">A sequence is null.</exception>
    public SequencePair(int[] source, int[] target)
    {
        Source = source;
        Target = target;
    }

    /// <summary>The source token ids.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public int[] Source
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Source), "Give the source as an array of token ids.");
    }

    /// <summary>The target token ids.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public int[] Target
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Target), "Give the target as an array of token ids.");
    }

    /// <summary>Splits the pair into its source and target.</summary>
    public void Deconstruct(out int[] source, out int[] target)
    {
        source = Source;
        target = Target;
    }
}
