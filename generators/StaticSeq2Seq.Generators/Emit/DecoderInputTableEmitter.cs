using StaticSeq2Seq.Generators.Model;
using StaticSeq2Seq.Generators.Planning;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the decoding table of the decoder's first-layer input product (<see cref="DecoderInputTableRule"/>): its
/// storage, its rebuild on the parameter version (<see cref="ParameterVersionEmitter"/>), and the decoder step that reads it.
/// Greedy and step-wise decoding take the table through <c>CurrentDecoderInputTable</c>, which rebuilds it whenever
/// the parameters were handed out for writing since it was built; training keeps computing the product.
/// </summary>
internal static class DecoderInputTableEmitter
{
    /// <summary>
    /// The decoder step a decoding entry point runs: from the table when the plan has one (after
    /// <see cref="EmitTableLocal"/>), else the step training runs, with nothing dropped. Decoding drops nothing, so the
    /// table's step reads each layer's input as it is.
    /// </summary>
    public static string StepCall(ModelPlan plan, string step, string sourceLength) => plan.DecoderInputTable
        ? $"DecoderStepForwardFromTable({WeightSource.ForDecoding(plan).Arguments}, a, inputTable, token, {step}{AttentionEmitter.SourceLengthArgument(plan.Shape, sourceLength)});"
        : $"DecoderStepForward({WeightSource.ForDecoding(plan).Arguments}, a, token, {step}{AttentionEmitter.SourceLengthArgument(plan.Shape, sourceLength)}, {DropoutEmitter.NoDropout});";

    /// <summary>Declares <c>inputTable</c> in a decoding entry point, after its argument checks, when the plan has a table.</summary>
    public static void EmitTableLocal(CodeWriter w, ModelPlan plan)
    {
        if (plan.DecoderInputTable)
        {
            w.Line("ReadOnlySpan<float> inputTable = CurrentDecoderInputTable();");
        }
    }

    /// <summary>The table's members, emitted into the Decode.Greedy file.</summary>
    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        var shape = plan.Shape;
        var kernel = new LinearKernelPlan(shape.EmbeddingSize, shape.GateSize);
        w.Line("// Decoding reads W_ih · embedding[token] + b_ih of the decoder's first layer from this table, one row per target token:");
        w.Line($"// {shape.TargetVocabularySize} × {shape.GateSize} floats ({DecoderInputTableRule.TableBytes(shape) / 1024.0:0.#} KiB, within the {DecoderInputTableRule.BudgetBytes / 1024} KiB budget), so a step reads");
        w.Line($"// {shape.GateSize} floats instead of the {shape.EmbeddingSize} × {shape.GateSize} input weights; rebuilding costs as many multiply-adds as {shape.TargetVocabularySize} steps' input products.");
        w.Line("private readonly global::StaticSeq2Seq.Parameters.AlignedBuffer decoderInputTable = new(TargetVocabularySize * GateSize);");
        w.Line();
        var table = new DerivedCopy("decoderInputTable", "ReadOnlySpan<float>", "CurrentDecoderInputTable", "RebuildDecoderInputTable", "decoderInputTable.Span",
            "The decoding table of the current parameters, rebuilt first if they may have changed since it was built.",
            [
                "/// <summary>",
                "/// Rows W_ih · embedding[token] + b_ih for every target token, with the kernel the step itself would run, so a row is",
                "/// the step's product float for float. Under a lock: threads decoding at once wait for one rebuild, allocation-free.",
                "/// </summary>",
            ]);
        ParameterVersionEmitter.EmitCurrentAndRebuild(w, table, w =>
        {
            w.Line("ReadOnlySpan<float> p = parameterBuffer.Span;");
            w.Line("Span<float> table = decoderInputTable.Span;");
            using (w.Block("for (int token = 0; token < TargetVocabularySize; token++)"))
            {
                w.Line($"DenseKernels.{kernel.ForwardName}({Slices.Parameter("DecoderWeightIh0")}, {Slices.Parameter("DecoderBiasIh0")}, {Slices.EmbeddingRow("p", "TargetEmbedding", "token")}, table.Slice(token * GateSize, GateSize));");
            }
        });
        w.Line();
        var weights = WeightSource.ForDecoding(plan);
        EmitStep(w, shape, weights);
        w.Line();
        LayerEmitter.EmitDecoderLayer0ForwardFromTable(w, shape, weights);
    }

    private static void EmitStep(CodeWriter w, ModelShape shape, WeightSource weights)
    {
        var layers = shape.Layers;
        var luong = AttentionEmitter.IsLuong(shape);
        w.Line($"/// <summary>Decoder step i for decoding{(layers > 1 ? $" through all {layers} layers" : "")}: layer 0 reads the token's row of the input table{(luong ? ", then Luong attention from the top layer's new state" : "")}.</summary>");
        using (w.Block($"private static void DecoderStepForwardFromTable({weights.Parameters}, Span<float> a, ReadOnlySpan<float> inputTable, int token, int i{(shape.HasAttention ? ", int sourceLength" : "")})"))
        {
            w.Line($"DecoderLayer0ForwardFromTable({weights.Arguments}, a, inputTable.Slice(token * GateSize, GateSize), i);");
            for (var layer = 1; layer < layers; layer++)
            {
                w.Line($"DecoderLayer{layer}Forward({weights.Arguments}, a, {Slices.Activation($"DecoderHidden{layer - 1}", "(i + 1)", "HiddenSize")}, i);");
            }
            if (luong)
            {
                w.Line($"LuongForward({weights.Arguments}, a, i, sourceLength);");
            }
        }
    }
}
