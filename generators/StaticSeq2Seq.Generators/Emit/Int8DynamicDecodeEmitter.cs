using StaticSeq2Seq.Generators.Model;
using StaticSeq2Seq.Generators.Planning;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits, for a model declared with <c>DecodeWeights = DecodeWeightFormat.Int8Dynamic</c>, the int8 copy of the weights
/// decoding multiplies by (<see cref="DecodeWeightsRule"/>), packed for integer dot products, with its row scales and
/// zero-point terms, its rebuild on the parameter version, and the decoding overloads that read it: the decoder's, and
/// where <see cref="DecodeWeightsRule.EncoderFromCopy"/> says so the encoder's and an <c>EncodeSource</c> that runs them.
/// Training, <c>Forward</c> and <c>ComputeLogits</c> keep the float functions.
/// </summary>
internal static class Int8DynamicDecodeEmitter
{
    /// <summary>Packed matrices start on a multiple of this many bytes, a cache line.</summary>
    private const int PackedAlignment = 64;

    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        var matrices = Int8DecodeEmitter.Matrices(plan);
        w.Line($"// Decoding multiplies by int8 copies of {string.Join(", ", plan.DecodeWeightTensors)}, a quarter of the bytes, packed for");
        w.Line("// integer dot products: W of shape (Out, In) in panels of 64 outputs, each panel as (⌈In / 4⌉, its width, 4), each output's");
        w.Line("// weights of four consecutive inputs side by side, padded with zeros (StaticSeq2Seq.Numerics.Int8DotProducts). Each output");
        w.Line("// row o has the scale max_j |W[o, j]| / 127, q[o, j] = round(W[o, j] / scale), to nearest, ties to even, and the zero-point");
        w.Line("// term -64 Σ_j q[o, j]; each product quantizes its input x to seven bits with one scale, max_j |x[j]| / 63, and computes");
        w.Line("// scale[o] · xScale · Σ_j q[o, j] x_q[j] + b[o].");
        w.Line("// Packed matrices: offset (bytes, a multiple of 64) and length of each.");
        var packedBytes = 0;
        foreach (var matrix in matrices)
        {
            var length = (matrix.Columns + 3) / 4 * 4 * matrix.Rows;
            w.Line($"private const int {matrix.Identifier}PackedOffset = {packedBytes}, {matrix.Identifier}PackedLength = {length};");
            packedBytes += (length + PackedAlignment - 1) / PackedAlignment * PackedAlignment;
        }
        w.Line($"private readonly global::StaticSeq2Seq.Parameters.AlignedBuffer decodeWeights = new({packedBytes / 4});");
        w.Line();
        w.Line("// Row scales and zero-point terms: offset (floats, a multiple of 16) and length (the matrix's output rows) of each matrix's.");
        var scaleFloats = Int8DecodeEmitter.EmitRowOffsets(w, matrices);
        w.Line($"private readonly global::StaticSeq2Seq.Parameters.AlignedBuffer decodeScales = new({scaleFloats});");
        w.Line("// Ints, held in a float buffer for its alignment.");
        w.Line($"private readonly global::StaticSeq2Seq.Parameters.AlignedBuffer decodeZeroPointTerms = new({scaleFloats});");
        w.Line();
        var copy = new DerivedCopy("decodeWeights", "ReadOnlySpan<sbyte>", "CurrentDecodeWeights", "RebuildDecodeWeights",
            "global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, sbyte>(decodeWeights.Span)",
            "The packed int8 decoding weights of the current parameters (their scales in decodeScales, their zero-point terms in decodeZeroPointTerms), quantized again first if they may have changed since.",
            ["/// <summary>Quantizes and packs the decoding weights, their row scales and zero-point terms from the float parameters. Under a lock: threads decoding at once wait for one rebuild, allocation-free.</summary>"]);
        ParameterVersionEmitter.EmitCurrentAndRebuild(w, copy, w =>
        {
            w.Line("ReadOnlySpan<float> p = parameterBuffer.Span;");
            w.Line("Span<sbyte> p8 = global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, sbyte>(decodeWeights.Span);");
            w.Line("Span<float> scales = decodeScales.Span;");
            w.Line("Span<int> zeroPointTerms = global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(decodeZeroPointTerms.Span);");
            foreach (var matrix in matrices)
            {
                var t = matrix.Identifier;
                w.Line($"global::StaticSeq2Seq.Numerics.Int8DotProducts.PackRows({Slices.Parameter(t)}, {matrix.Columns}, {matrix.Rows}, p8.Slice({t}PackedOffset, {t}PackedLength), scales.Slice({t}ScaleOffset, {t}ScaleLength), zeroPointTerms.Slice({t}ScaleOffset, {t}ScaleLength));");
            }
        });
        w.Line();
        DecodeWeightsEmitter.EmitOverloads(w, plan);
        if (DecodeWeightsRule.EncoderFromCopy(plan.Shape))
        {
            var weights = WeightSource.ForDecoding(plan);
            w.Line();
            w.Line("// The encoder's decoding overloads: its steps read the recurrent matrices from the copy too; layer 0's input side over all");
            w.Line("// positions and the attention's keys stay float (one matrix-matrix product per source each).");
            w.Line();
            LayerEmitter.EmitEncoderStepForward(w, plan.Shape, weights);
            if (!EncoderInputTableRule.Applies(plan.Shape))
            {
                // With an encoder input table, decoding runs EncodeSourceFromTable (EncoderInputTableEmitter) instead.
                w.Line();
                TrainingEmitter.EmitEncodeSource(w, plan, weights);
            }
        }
    }
}
