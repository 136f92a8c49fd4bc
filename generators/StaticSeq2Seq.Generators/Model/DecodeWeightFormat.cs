namespace StaticSeq2Seq.Generators.Model;

/// <summary>Mirror of the runtime's <c>DecodeWeightFormat</c>; the generator does not reference the runtime.</summary>
internal enum DecodeWeightFormat
{
    Float32 = 0,
    BFloat16 = 1,
    Int8 = 2,
    Int8Dynamic = 3,
}
