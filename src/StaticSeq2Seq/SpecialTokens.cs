namespace StaticSeq2Seq;

/// <summary>Token ids every vocabulary reserves, and every generated model relies on.</summary>
public static class SpecialTokens
{
    /// <summary>Padding; never produced by a model.</summary>
    public const int Pad = 0;

    /// <summary>Start of sequence: the decoder's first input.</summary>
    public const int Sos = 1;

    /// <summary>End of sequence: appended to every training target, and where decoding stops.</summary>
    public const int Eos = 2;

    /// <summary>A word the vocabulary does not hold.</summary>
    public const int Unk = 3;

    /// <summary>How many ids are reserved; the first ordinary word has this id.</summary>
    public const int Count = 4;
}
