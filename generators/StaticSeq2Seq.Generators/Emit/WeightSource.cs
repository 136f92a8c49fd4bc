using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Where an emitted forward function reads the weight matrices it multiplies by: the float parameters <c>p</c>, or, in
/// the decoding overloads of a model that decodes in bfloat16, their bfloat16 copy <c>p16</c> (same offsets, half the
/// bytes). Biases, embeddings and vectors always come from <c>p</c>. The bfloat16 overloads keep the float functions'
/// names and differ only in the weight spans and the kernels they pass them to (<c>Linear{In}x{Out}BFloat16</c>).
/// </summary>
internal sealed record WeightSource(bool IsBFloat16)
{
    public static readonly WeightSource Float32 = new(false);

    public static readonly WeightSource BFloat16 = new(true);

    /// <summary>What a function that multiplies by weights declares for them.</summary>
    public string Parameters => IsBFloat16 ? "ReadOnlySpan<float> p, ReadOnlySpan<ushort> p16" : "ReadOnlySpan<float> p";

    /// <summary>What a call to such a function passes.</summary>
    public string Arguments => IsBFloat16 ? "p, p16" : "p";

    /// <summary>The weight matrix <paramref name="tensor"/>, as the dense kernel of this source reads it.</summary>
    public string Matrix(string tensor) => IsBFloat16 ? $"p16.Slice({tensor}Offset, {tensor}Length)" : Slices.Parameter(tensor);

    /// <summary>The forward kernel that multiplies by a matrix of this source.</summary>
    public string Kernel(LinearKernelPlan kernel) => IsBFloat16 ? kernel.BFloat16ForwardName : kernel.ForwardName;

    /// <summary>The source decoding reads.</summary>
    public static WeightSource ForDecoding(ModelPlan plan) => plan.Shape.DecodesInBFloat16 ? BFloat16 : Float32;
}
