using System.Linq;
using StaticSeq2Seq.Generators.Model;
using StaticSeq2Seq.Generators.Planning;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits, for a model declared with <c>DecodeWeights = DecodeWeightFormat.Int8</c>, the int8 copy of the weights
/// decoding multiplies by (<see cref="DecodeWeightsRule"/>) with its row scales, its rebuild on the parameter version,
/// and the decoding overloads that read it. Greedy and step-wise decoding take the copy through
/// <c>CurrentDecodeWeights</c> and the scales beside it; training, <c>Forward</c> and <c>ComputeLogits</c> keep the
/// float functions.
/// </summary>
internal static class Int8DecodeEmitter
{
    /// <summary>Scale vectors start on a multiple of this many floats, a cache line, as parameter tensors do.</summary>
    private const int ScaleAlignment = 16;

    /// <summary>The tensors of the copy, in buffer order.</summary>
    public static TensorPlan[] Matrices(ModelPlan plan) =>
        plan.DecodeWeightTensors.Select(name => plan.Tensors.Single(t => t.Identifier == name)).ToArray();

    /// <summary>Emits each matrix's <c>{t}ScaleOffset</c> and <c>{t}ScaleLength</c>, one float per output row, and returns the floats they take.</summary>
    public static int EmitRowOffsets(CodeWriter w, TensorPlan[] matrices)
    {
        var floats = 0;
        foreach (var matrix in matrices)
        {
            w.Line($"private const int {matrix.Identifier}ScaleOffset = {floats}, {matrix.Identifier}ScaleLength = {matrix.Rows};");
            floats += (matrix.Rows + ScaleAlignment - 1) / ScaleAlignment * ScaleAlignment;
        }
        return floats;
    }

    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        var matrices = Matrices(plan);
        w.Line($"// Decoding multiplies by int8 copies of {string.Join(", ", plan.DecodeWeightTensors)}: the matrices a decoder step streams,");
        w.Line("// at a quarter of the bytes. They sit at the parameters' offsets in a buffer of a quarter of the parameters' size (the");
        w.Line("// other tensors' places stay unused). Each output row o of a matrix W has the scale max_j |W[o, j]| / 127 and");
        w.Line("// q[o, j] = round(W[o, j] / scale), to nearest, ties to even; the kernels compute scale[o] * Σ_j q[o, j] x[j] + b[o].");
        w.Line("private readonly global::StaticSeq2Seq.Parameters.AlignedBuffer decodeWeights = new((ParameterCount + 3) / 4);");
        w.Line();
        w.Line("// Row scales: offset (floats, a multiple of 16) and length (the matrix's output rows) of each matrix's scales.");
        w.Line($"private readonly global::StaticSeq2Seq.Parameters.AlignedBuffer decodeScales = new({EmitRowOffsets(w, matrices)});");
        w.Line();
        var copy = new DerivedCopy("decodeWeights", "ReadOnlySpan<sbyte>", "CurrentDecodeWeights", "RebuildDecodeWeights",
            "global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, sbyte>(decodeWeights.Span)",
            "The int8 decoding weights of the current parameters (their scales in decodeScales), quantized again first if they may have changed since.",
            ["/// <summary>Quantizes the decoding weights and their row scales from the float parameters. Under a lock: threads decoding at once wait for one rebuild, allocation-free.</summary>"]);
        ParameterVersionEmitter.EmitCurrentAndRebuild(w, copy, w =>
        {
            w.Line("ReadOnlySpan<float> p = parameterBuffer.Span;");
            w.Line("Span<sbyte> p8 = global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, sbyte>(decodeWeights.Span);");
            w.Line("Span<float> scales = decodeScales.Span;");
            foreach (var matrix in matrices)
            {
                var t = matrix.Identifier;
                w.Line($"global::StaticSeq2Seq.Numerics.Int8Quantization.QuantizeRows({Slices.Parameter(t)}, {matrix.Columns}, {matrix.Rows}, p8.Slice({t}Offset, {t}Length), scales.Slice({t}ScaleOffset, {t}ScaleLength));");
            }
        });
        w.Line();
        DecodeWeightsEmitter.EmitOverloads(w, plan);
    }
}
