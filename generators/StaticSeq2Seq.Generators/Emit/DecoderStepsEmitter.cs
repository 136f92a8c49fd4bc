using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the decoder's step for several hypotheses at once, from the float parameters, for <c>DecodeSteps</c>: hypothesis k
/// runs as the workspace's decoder step k, so the hypotheses' states, gates and attention rows lie one after the other
/// exactly as a sequence's steps do in training, and every product of the step (each layer's W_ih and W_hh, the
/// attention's W_a or W_c) is one matrix-matrix product over those rows with the all-steps kernels
/// (<see cref="StepsKernelEmitter"/>): each matrix is read once for the whole beam, each row's fused multiply-adds those
/// of the one-step kernel. What lies between the products (gates, scores, softmax) runs row by row, through the same
/// functions the one-hypothesis step calls.
/// </summary>
internal static class DecoderStepsEmitter
{
    /// <summary>The rows' step: the products of every layer and of the attention over n rows, the rest row by row.</summary>
    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        var shape = plan.Shape;
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            EmitLayer(w, plan, layer);
            w.Line();
        }
        EmitStep(w, plan);
    }

    /// <summary>The call <c>DecodeSteps</c> makes for hypotheses first..first+n-1, whose states are already in slots 0..n-1.</summary>
    public static string Call(ModelPlan plan) =>
        $"DecoderStepsForward(p, a, {(plan.DecoderInputTable ? "inputTable, " : "")}tokens.Slice(first, n), n{AttentionEmitter.SourceLengthArgument(plan.Shape, "workspace.SourceLength")});";

    private static LinearKernelPlan Layer0Input(ModelShape shape) =>
        new(shape.Attention == AttentionKind.Bahdanau ? shape.DecoderInputSize : shape.EmbeddingSize, shape.GateSize);

    private static void EmitStep(CodeWriter w, ModelPlan plan)
    {
        var shape = plan.Shape;
        var bahdanau = shape.Attention == AttentionKind.Bahdanau;
        var top = shape.Layers - 1;
        var table = plan.DecoderInputTable ? "ReadOnlySpan<float> inputTable, " : "";
        var sourceLength = shape.HasAttention ? ", int sourceLength" : "";
        w.Line("/// <summary>");
        w.Line("/// Decoder steps 0..n-1 for decoding, step k reading <paramref name=\"tokens\"/>[k] and state slot k and writing slot k + 1:");
        w.Line(bahdanau
            ? "/// each step's Bahdanau attention, then each layer, every product over all n rows at once."
            : shape.HasAttention
            ? "/// each layer, then each step's Luong attention, every product over all n rows at once."
            : "/// each layer, every product over all n rows at once.");
        w.Line("/// </summary>");
        using (w.Block($"private static void DecoderStepsForward(ReadOnlySpan<float> p, Span<float> a, {table}ReadOnlySpan<int> tokens, int n{sourceLength})"))
        {
            if (bahdanau)
            {
                var query = new LinearKernelPlan(shape.HiddenSize, shape.HiddenSize);
                using (w.Block("for (int k = 0; k < n; k++)"))
                {
                    w.Line($"{Slices.EmbeddingRow("p", "TargetEmbedding", "tokens[k]")}.CopyTo(a.Slice(DecoderLayer0InputOffset + k * DecoderInputSize, EmbeddingSize));");
                }
                w.Line("// Each query reads the top layer's state before its step: slot k, written by DecodeSteps.");
                w.Line($"DenseKernels.{StepsKernelEmitter.ForwardName(query)}({Slices.Parameter("AttentionWaWeight")}, {Slices.Parameter("AttentionWaBias")}, {Rows($"DecoderHidden{top}", "0", "HiddenSize")}, {Rows("AttentionQueries", "0", "HiddenSize")}, n);");
                using (w.Block("for (int k = 0; k < n; k++)"))
                {
                    w.Line("BahdanauAttend(p, a, k, sourceLength, a.Slice(DecoderLayer0InputOffset + k * DecoderInputSize + EmbeddingSize, HiddenSize));");
                }
            }
            else if (!plan.DecoderInputTable)
            {
                using (w.Block("for (int k = 0; k < n; k++)"))
                {
                    w.Line($"{Slices.EmbeddingRow("p", "TargetEmbedding", "tokens[k]")}.CopyTo({Slices.Activation("DecoderDroppedEmbeddings", "k", "EmbeddingSize")});");
                }
            }
            for (var layer = 0; layer < shape.Layers; layer++)
            {
                var input = layer > 0
                    ? Rows($"DecoderHidden{layer - 1}", "HiddenSize", "HiddenSize")
                    : plan.DecoderInputTable
                    ? "inputTable, tokens"
                    : bahdanau
                    ? Rows("DecoderLayer0Input", "0", "DecoderInputSize")
                    : Rows("DecoderDroppedEmbeddings", "0", "EmbeddingSize");
                w.Line($"DecoderLayer{layer}StepsForward(p, a, {input}, n);");
            }
            if (AttentionEmitter.IsLuong(shape))
            {
                var combine = new LinearKernelPlan(2 * shape.HiddenSize, shape.HiddenSize);
                using (w.Block("for (int k = 0; k < n; k++)"))
                {
                    w.Line("LuongAttend(a, k, sourceLength);");
                }
                w.Line("Span<float> attentional = a.Slice(AttentionalHiddenOffset, n * HiddenSize);");
                w.Line($"DenseKernels.{StepsKernelEmitter.ForwardName(combine)}({Slices.Parameter("AttentionWcWeight")}, {Slices.Parameter("AttentionWcBias")}, {Rows("AttentionCombined", "0", "2 * HiddenSize")}, attentional, n);");
                w.Line("global::StaticSeq2Seq.Numerics.Activations.Tanh(attentional, attentional);");
            }
        }
    }

    private static void EmitLayer(CodeWriter w, ModelPlan plan, int layer)
    {
        var shape = plan.Shape;
        var fromTable = layer == 0 && plan.DecoderInputTable;
        var hh = new LinearKernelPlan(shape.HiddenSize, shape.GateSize);
        var ih = layer == 0 ? Layer0Input(shape) : hh;
        var rnn = shape.Cell == CellKind.Rnn;
        w.Line("/// <summary>");
        w.Line($"/// Decoder layer {layer}, steps 0..n-1 for decoding, step k reading {(fromTable ? "its token's row of the input table" : "row k of x")} and state slot k and writing slot k + 1.");
        w.Line("/// The gates run last row first: row k writes slot k + 1, which row k + 1 has read by then. W_hh h of each row goes");
        w.Line($"/// into the rows of DecoderDGatesIh{layer}, which a decode borrows (it holds no forward pass for a backward pass to read).");
        w.Line("/// </summary>");
        var input = fromTable ? "ReadOnlySpan<float> inputTable, ReadOnlySpan<int> tokens" : "ReadOnlySpan<float> x";
        using (w.Block($"private static void DecoderLayer{layer}StepsForward(ReadOnlySpan<float> p, Span<float> a, {input}, int n)"))
        {
            w.Line($"Span<float> gatesHh = a.Slice(DecoderDGatesIh{layer}Offset, n * GateSize);");
            w.Line($"DenseKernels.{StepsKernelEmitter.ForwardName(hh)}({Slices.Parameter($"DecoderWeightHh{layer}")}, {Slices.Parameter($"DecoderBiasHh{layer}")}, {Rows($"DecoderHidden{layer}", "0", "HiddenSize")}, gatesHh, n);");
            // An RNN's input product goes straight into its new state's slot, so W_hh has read every slot first.
            var target = rnn ? Rows($"DecoderHidden{layer}", "HiddenSize", "HiddenSize") : $"a.Slice(DecoderGates{layer}Offset, n * GateSize)";
            w.Line($"Span<float> inputGates = {target};");
            if (fromTable)
            {
                using (w.Block("for (int k = 0; k < n; k++)"))
                {
                    w.Line("inputTable.Slice(tokens[k] * GateSize, GateSize).CopyTo(inputGates.Slice(k * GateSize, GateSize));");
                }
            }
            else
            {
                w.Line($"DenseKernels.{StepsKernelEmitter.ForwardName(ih)}({Slices.Parameter($"DecoderWeightIh{layer}")}, {Slices.Parameter($"DecoderBiasIh{layer}")}, x, inputGates, n);");
            }
            using (w.Block("for (int k = n - 1; k >= 0; k--)"))
            {
                var row = "gatesHh.Slice(k * GateSize, GateSize)";
                var hNext = Slices.Activation($"DecoderHidden{layer}", "(k + 1)", "HiddenSize");
                switch (shape.Cell)
                {
                    case CellKind.Lstm:
                        w.Line($"LstmGatesForward(inputGates.Slice(k * GateSize, GateSize), {row}, {Slices.Activation($"DecoderCell{layer}", "k", "HiddenSize")}, {Slices.Activation($"DecoderCell{layer}", "(k + 1)", "HiddenSize")}, {hNext});");
                        break;
                    case CellKind.Gru:
                        w.Line($"GruGatesForward(inputGates.Slice(k * GateSize, GateSize), {row}, {Slices.Activation($"DecoderHidden{layer}", "k", "HiddenSize")}, {Slices.Activation($"DecoderHiddenN{layer}", "k", "HiddenSize")}, {hNext});");
                        break;
                    default:
                        w.Line($"RnnForward({row}, {hNext});");
                        break;
                }
            }
        }
    }

    /// <summary>n rows of <paramref name="width"/> of a workspace buffer, from <paramref name="start"/> floats in.</summary>
    private static string Rows(string buffer, string start, string width) =>
        start == "0" ? $"a.Slice({buffer}Offset, n * {width})" : $"a.Slice({buffer}Offset + {start}, n * {width})";
}
