namespace StaticSeq2Seq.Generators.Model;

/// <summary>Mirror of the runtime's <c>RecurrentCell</c>; the generator does not reference the runtime.</summary>
internal enum CellKind
{
    Rnn = 0,
    Gru = 1,
    Lstm = 2,
}
