using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the dense forward kernel that decoding with <c>DecodeWeightFormat.Int8Dynamic</c> calls for one (In, Out) size:
/// the input vector quantized to seven bits with one scale, then integer dot products with the packed int8 weights and
/// one multiply-add per output, y[o] = scale[o] · xScale · Σ_j q[o, j] x_q[j] + b[o]. The integer work is the runtime's
/// <c>StaticSeq2Seq.Numerics.Int8DotProducts</c>, whose paths (AVX-VNNI, AVX-512BW, AVX2, SSSE3, scalar) give identical bits;
/// the kernel fixes the sizes and holds the quantized input on its stack.
/// </summary>
internal static class Int8DynamicKernelEmitter
{
    public static void EmitForward(CodeWriter w, LinearKernelPlan kernel)
    {
        var formula = kernel.HasBias ? "y = scale ⊙ (xScale · Q x_q) + b" : "y = scale ⊙ (xScale · Q x_q) (no bias)";
        var biasParameter = kernel.HasBias ? "ReadOnlySpan<float> bias, " : "";
        var biasArgument = kernel.HasBias ? "bias.Slice(0, Out)" : "default";
        var groups = (kernel.In + 3) / 4;
        w.Line($"/// <summary>{formula} for Q of shape ({kernel.Out}, {kernel.In}) in int8, packed four inputs per output side by side in {groups} groups, panel by panel of 64 outputs, with one scale and zero-point term per output, and x quantized to seven bits with one scale; sums in integers.</summary>");
        using (w.Block($"public static void {kernel.Int8DynamicForwardName}(ReadOnlySpan<sbyte> weight, ReadOnlySpan<float> scale, ReadOnlySpan<int> zeroPointTerms, {biasParameter}ReadOnlySpan<float> x, Span<float> y)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out}, PaddedIn = {groups * 4};");
            w.Line("// The padded inputs' weights are zero, so whatever their bytes hold adds nothing.");
            w.Line("Span<byte> xq = stackalloc byte[PaddedIn];");
            w.Line("float xScale = global::StaticSeq2Seq.Numerics.Int8DotProducts.QuantizeActivations(x.Slice(0, In), xq);");
            w.Line($"global::StaticSeq2Seq.Numerics.Int8DotProducts.Multiply(weight.Slice(0, PaddedIn * Out), scale.Slice(0, Out), zeroPointTerms.Slice(0, Out), {biasArgument}, xq, xScale, y.Slice(0, Out), In, Out);");
        }
    }
}
