using System;

namespace StaticSeq2Seq.Decoding;

/// <summary>How a <see cref="BeamSearchDecoder"/> searches.</summary>
public sealed record BeamSearchOptions
{
    /// <summary>Hypotheses kept alive at each step; at most the decoder's maximum width. Default 4.</summary>
    public int BeamWidth
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BeamWidth), value, "A beam holds at least one hypothesis; 4 to 8 is usual.");
    } = 4;

    /// <summary>
    /// GNMT's length penalty exponent α: a finished hypothesis is ranked by log p / ((5 + length) / 6)^α.
    /// 0 ranks by log p alone, which favours short outputs; 0.6 to 1 is usual. Default 0.
    /// </summary>
    public float LengthPenalty
    {
        get;
        init => field = value >= 0 && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(LengthPenalty), value, "Give a finite α of 0 or more; 0 turns the penalty off.");
    }

    /// <summary>Fewest tokens before EOS may end a hypothesis. Default 0.</summary>
    public int MinLength
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MinLength), value, "The minimum length cannot be negative.");
    }

    /// <summary>Most tokens a hypothesis may have, EOS not counted; null for the model's maximum target length.</summary>
    public int? MaxLength
    {
        get;
        init => field = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxLength), value, "A maximum length is at least 1; leave it null for the model's maximum.");
    }

    /// <summary>How many of the best hypotheses to return, at most <see cref="BeamWidth"/>. Default 1.</summary>
    public int NBest
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(NBest), value, "Ask for at least one hypothesis.");
    } = 1;
}
