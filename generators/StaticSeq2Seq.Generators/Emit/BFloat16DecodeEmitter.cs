using StaticSeq2Seq.Generators.Model;
using StaticSeq2Seq.Generators.Planning;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits, for a model declared with <c>DecodeWeights = DecodeWeightFormat.BFloat16</c>, the bfloat16 copy of the
/// weights decoding multiplies by (<see cref="DecodeWeightsRule"/>), its rebuild on the parameter
/// version, and the decoding overloads of the decoder's forward functions that read it. Greedy and step-wise
/// decoding take the copy through <c>CurrentDecodeWeights</c>, as they take the decoder input table; training,
/// <c>Forward</c> and <c>ComputeLogits</c> keep the float functions.
/// </summary>
internal static class BFloat16DecodeEmitter
{
    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        w.Line($"// Decoding multiplies by bfloat16 copies of {string.Join(", ", plan.DecodeWeightTensors)}: the matrices a decoder step streams,");
        w.Line("// at half the bytes. They sit at the parameters' offsets in a buffer of half the parameters' size (the other tensors'");
        w.Line("// places stay unused) and are rounded to nearest, ties to even, from the float parameters.");
        w.Line("private readonly global::StaticSeq2Seq.Parameters.AlignedBuffer decodeWeights = new(ParameterCount / 2);");
        w.Line();
        var copy = new DerivedCopy("decodeWeights", "ReadOnlySpan<ushort>", "CurrentDecodeWeights", "RebuildDecodeWeights",
            "global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, ushort>(decodeWeights.Span)",
            "The bfloat16 decoding weights of the current parameters, rounded again first if they may have changed since.",
            ["/// <summary>Rounds the decoding weights from the float parameters. Under a lock: threads decoding at once wait for one rebuild, allocation-free.</summary>"]);
        ParameterVersionEmitter.EmitCurrentAndRebuild(w, copy, w =>
        {
            w.Line("ReadOnlySpan<float> p = parameterBuffer.Span;");
            w.Line("Span<ushort> p16 = global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, ushort>(decodeWeights.Span);");
            foreach (var tensor in plan.DecodeWeightTensors)
            {
                w.Line($"global::StaticSeq2Seq.Numerics.BFloat16Rounding.Round({Slices.Parameter(tensor)}, p16.Slice({tensor}Offset, {tensor}Length));");
            }
        });
        w.Line();
        DecodeWeightsEmitter.EmitOverloads(w, plan);
    }
}
