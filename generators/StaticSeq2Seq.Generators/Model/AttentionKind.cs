namespace StaticSeq2Seq.Generators.Model;

/// <summary>Mirror of the runtime's <c>AttentionKind</c>; the generator does not reference the runtime.</summary>
internal enum AttentionKind
{
    None = 0,
    LuongDot = 1,
    LuongGeneral = 2,
    Bahdanau = 3,
}
