using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// What the bfloat16 and int8 decoding files share (<see cref="BFloat16DecodeEmitter"/>, <see cref="Int8DecodeEmitter"/>):
/// the locals a decoding entry point declares for the copy, and the decoding overloads of the decoder's forward
/// functions, which differ from the float ones only in where they read the weight matrices (<see cref="WeightSource"/>).
/// </summary>
internal static class DecodeWeightsEmitter
{
    /// <summary>Declares the copy's spans in a decoding entry point, after its argument checks, when the model decodes from one.</summary>
    public static void EmitWeightsLocal(CodeWriter w, ModelPlan plan)
    {
        switch (plan.Shape.DecodeWeights)
        {
            case DecodeWeightFormat.BFloat16:
                w.Line("ReadOnlySpan<ushort> p16 = CurrentDecodeWeights();");
                break;
            case DecodeWeightFormat.Int8:
                w.Line("ReadOnlySpan<sbyte> p8 = CurrentDecodeWeights();");
                w.Line("ReadOnlySpan<float> scales = decodeScales.Span;");
                break;
            case DecodeWeightFormat.Int8Dynamic:
                w.Line("ReadOnlySpan<sbyte> p8 = CurrentDecodeWeights();");
                w.Line("ReadOnlySpan<float> scales = decodeScales.Span;");
                w.Line("ReadOnlySpan<int> zeroPointTerms = global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(decodeZeroPointTerms.Span);");
                break;
        }
    }

    /// <summary>What a decoding entry point passes <c>EncodeSource</c>: the copy where the encoder reads it (<c>DecodeWeightsRule.EncoderFromCopy</c>), else the float parameters.</summary>
    public static string EncoderArguments(ModelPlan plan) =>
        Planning.DecodeWeightsRule.EncoderFromCopy(plan.Shape) ? WeightSource.ForDecoding(plan).Arguments : WeightSource.Float32.Arguments;

    /// <summary>The decoding overloads: the float functions of the same names, reading the weight matrices from the copy.</summary>
    public static void EmitOverloads(CodeWriter w, ModelPlan plan)
    {
        var shape = plan.Shape;
        var weights = WeightSource.ForDecoding(plan);
        w.Line($"// The decoding overloads: the float functions of the same names, reading the weight matrices from {(shape.DecodeWeights switch { DecodeWeightFormat.Int8 => "p8 and scales", DecodeWeightFormat.Int8Dynamic => "p8, scales and zeroPointTerms", _ => "p16" })}.");
        w.Line();
        if (!plan.DecoderInputTable)
        {
            LayerEmitter.EmitDecoderStepForward(w, shape, weights);
            w.Line();
        }
        // With a decoder input table, layer 0's overload reads the table; DecoderInputTableEmitter writes it.
        for (var layer = plan.DecoderInputTable ? 1 : 0; layer < shape.Layers; layer++)
        {
            LayerEmitter.EmitDecoderLayerForward(w, shape, layer, weights);
            w.Line();
        }
        if (shape.HasAttention)
        {
            AttentionEmitter.EmitStepAttentionForward(w, shape, weights);
            w.Line();
        }
        OutputEmitter.EmitDecoderLogits(w, plan, weights);
    }
}
