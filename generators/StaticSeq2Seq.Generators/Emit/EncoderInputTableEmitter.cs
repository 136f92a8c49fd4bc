using StaticSeq2Seq.Generators.Model;
using StaticSeq2Seq.Generators.Planning;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the decoding table of the encoder's layer 0 input product (<see cref="EncoderInputTableRule"/>): its storage, its
/// rebuild on the parameter version (<see cref="ParameterVersionEmitter"/>), and <c>EncodeSourceFromTable</c>, the encoder
/// pass greedy and step-wise decoding run, which copies each source token's row where <c>EncodeSource</c> multiplies.
/// </summary>
internal static class EncoderInputTableEmitter
{
    /// <summary>The encoder pass a decoding entry point runs: from the table when the shape has one, else <c>EncodeSource</c>.</summary>
    public static string EncodeCall(ModelPlan plan) => EncoderInputTableRule.Applies(plan.Shape)
        ? $"EncodeSourceFromTable({DecodeWeightsEmitter.EncoderArguments(plan)}, CurrentEncoderInputTable(), a, workspace.Tokens, source, {DropoutEmitter.NoDropout});"
        : $"EncodeSource({DecodeWeightsEmitter.EncoderArguments(plan)}, a, workspace.Tokens, source, {DropoutEmitter.NoDropout});";

    /// <summary>What <c>EncodeSourceFromTable</c> runs in place of layer 0's input products: each source token's row of the table, copied where the product goes.</summary>
    public static void EmitInputProductsFromTable(CodeWriter w, ModelShape shape)
    {
        w.Line("// Layer 0's input products are rows of the table, one per source token.");
        w.Line($"Span<float> inputProducts = {InputProductsEmitter.Products(shape, LayerEmitter.Side.Encoder, "source.Length")};");
        using (w.Block("for (int t = 0; t < source.Length; t++)"))
        {
            w.Line("encoderInputTable.Slice(source[t] * GateSize, GateSize).CopyTo(inputProducts.Slice(t * GateSize, GateSize));");
        }
    }

    /// <summary>The table's members and <c>EncodeSourceFromTable</c>, emitted into the Decode.Greedy file when the shape has a table.</summary>
    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        var shape = plan.Shape;
        if (!EncoderInputTableRule.Applies(shape))
        {
            return;
        }
        var kernel = InputProductsEmitter.Kernel(shape);
        w.Line();
        w.Line("// Decoding reads W_ih · embedding[token] + b_ih of the encoder's layer 0 from this table, one row per source token:");
        w.Line($"// {shape.SourceVocabularySize} × {shape.GateSize} floats ({EncoderInputTableRule.TableBytes(shape) / 1024.0:0.#} KiB, within the {DecoderInputTableRule.BudgetBytes / 1024} KiB budget), so a source costs");
        w.Line($"// a copy of one row per token instead of the {shape.EmbeddingSize} × {shape.GateSize} product; rebuilding costs one product over {shape.SourceVocabularySize} rows.");
        w.Line("private readonly global::StaticSeq2Seq.Parameters.AlignedBuffer encoderInputTable = new(SourceVocabularySize * GateSize);");
        w.Line();
        var table = new DerivedCopy("encoderInputTable", "ReadOnlySpan<float>", "CurrentEncoderInputTable", "RebuildEncoderInputTable", "encoderInputTable.Span",
            "The encoder's decoding table of the current parameters, rebuilt first if they may have changed since it was built.",
            [
                "/// <summary>",
                "/// Rows W_ih · embedding[token] + b_ih for every source token, with the all-steps kernel the encoder itself runs, whose",
                "/// rows do not depend on each other, so a row is the encoder's product float for float. Under a lock: threads decoding",
                "/// at once wait for one rebuild, allocation-free.",
                "/// </summary>",
            ]);
        ParameterVersionEmitter.EmitCurrentAndRebuild(w, table, w =>
        {
            w.Line("ReadOnlySpan<float> p = parameterBuffer.Span;");
            w.Line($"DenseKernels.{StepsKernelEmitter.ForwardName(kernel)}({Slices.Parameter("EncoderWeightIh0")}, {Slices.Parameter("EncoderBiasIh0")}, {Slices.Parameter("SourceEmbedding")}, encoderInputTable.Span, SourceVocabularySize);");
        });
        w.Line();
        var weights = DecodeWeightsRule.EncoderFromCopy(shape) ? WeightSource.ForDecoding(plan) : WeightSource.Float32;
        TrainingEmitter.EmitEncodeSource(w, plan, weights, fromInputTable: true);
    }
}
