using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Where an emitted forward function reads the weight matrices it multiplies by: the float parameters <c>p</c>, or, in
/// the decoding overloads of a model that decodes from a narrower copy, its bfloat16 copy <c>p16</c> (same offsets,
/// half the bytes) or its int8 copy <c>p8</c> (same offsets, a quarter of the bytes) with the float row scales
/// <c>scales</c>, or its int8 copy packed for integer dot products <c>p8</c> (own offsets) with the row scales and
/// zero-point terms <c>zeroPointTerms</c>. Biases, embeddings and vectors always come from <c>p</c>. The decoding overloads keep the float
/// functions' names and differ only in the weight spans and the kernels they pass them to
/// (<c>Linear{In}x{Out}BFloat16</c>, <c>Linear{In}x{Out}Int8</c>, <c>Linear{In}x{Out}Int8Dynamic</c>).
/// </summary>
internal sealed record WeightSource(DecodeWeightFormat Format)
{
    public static readonly WeightSource Float32 = new(DecodeWeightFormat.Float32);

    /// <summary>What a function that multiplies by weights declares for them.</summary>
    public string Parameters => Format switch
    {
        DecodeWeightFormat.BFloat16 => "ReadOnlySpan<float> p, ReadOnlySpan<ushort> p16",
        DecodeWeightFormat.Int8 => "ReadOnlySpan<float> p, ReadOnlySpan<sbyte> p8, ReadOnlySpan<float> scales",
        DecodeWeightFormat.Int8Dynamic => "ReadOnlySpan<float> p, ReadOnlySpan<sbyte> p8, ReadOnlySpan<float> scales, ReadOnlySpan<int> zeroPointTerms",
        _ => "ReadOnlySpan<float> p",
    };

    /// <summary>What a call to such a function passes.</summary>
    public string Arguments => Format switch
    {
        DecodeWeightFormat.BFloat16 => "p, p16",
        DecodeWeightFormat.Int8 => "p, p8, scales",
        DecodeWeightFormat.Int8Dynamic => "p, p8, scales, zeroPointTerms",
        _ => "p",
    };

    /// <summary>The weight matrix <paramref name="tensor"/>, as the dense kernel of this source reads it (int8: the matrix, then its row scales, and packed its zero-point terms).</summary>
    public string Matrix(string tensor) => Format switch
    {
        DecodeWeightFormat.BFloat16 => $"p16.Slice({tensor}Offset, {tensor}Length)",
        DecodeWeightFormat.Int8 => $"p8.Slice({tensor}Offset, {tensor}Length), scales.Slice({tensor}ScaleOffset, {tensor}ScaleLength)",
        DecodeWeightFormat.Int8Dynamic => $"p8.Slice({tensor}PackedOffset, {tensor}PackedLength), scales.Slice({tensor}ScaleOffset, {tensor}ScaleLength), zeroPointTerms.Slice({tensor}ScaleOffset, {tensor}ScaleLength)",
        _ => Slices.Parameter(tensor),
    };

    /// <summary>The forward kernel that multiplies by a matrix of this source.</summary>
    public string Kernel(LinearKernelPlan kernel) => Format switch
    {
        DecodeWeightFormat.BFloat16 => kernel.BFloat16ForwardName,
        DecodeWeightFormat.Int8 => kernel.Int8ForwardName,
        DecodeWeightFormat.Int8Dynamic => kernel.Int8DynamicForwardName,
        _ => kernel.ForwardName,
    };

    /// <summary>The source decoding reads.</summary>
    public static WeightSource ForDecoding(ModelPlan plan) => plan.Shape.DecodesFromCopy ? new(plan.Shape.DecodeWeights) : Float32;
}
