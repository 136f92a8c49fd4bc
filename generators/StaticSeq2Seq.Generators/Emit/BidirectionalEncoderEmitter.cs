using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits a bidirectional encoder's pass over the whole source and its backward pass. Unlike a one-way stack, which
/// advances every layer one step at a time, layer l + 1 reads the reverse direction of layer l at every position, so the
/// layers run one after the other, each over the whole source: forward from position 0, then reverse from the last
/// real position (as <c>pack_padded_sequence</c> does). The bridge to the decoder sums the two directions (the PyTorch
/// chatbot tutorial's choice): attention reads k_j = forward_j + reverse_j, and the decoder's layer l starts from
/// h_forward_final + h_reverse_final of layer l (an LSTM's c likewise).
/// </summary>
internal static class BidirectionalEncoderEmitter
{
    public static void EmitForward(CodeWriter w, ModelShape shape)
    {
        var layers = shape.Layers;
        var lstm = shape.Cell == CellKind.Lstm;
        w.Line("/// <summary>");
        w.Line("/// Bidirectional encoder over <paramref name=\"source\"/>, layer by layer: the forward direction from position 0, the reverse");
        w.Line("/// direction from the last real position, then [forward ; reverse] for the layer above. Writes the encoder outputs");
        w.Line("/// forward_j + reverse_j of the top layer (with attention) and the decoder's initial state, forward final + reverse final");
        w.Line($"/// of each layer{(lstm ? " (h and c alike)" : "")}, into the decoder's slot 0.");
        w.Line("/// </summary>");
        using (w.Block("private static void EncoderForward(ReadOnlySpan<float> p, Span<float> a, Span<int> tokens, ReadOnlySpan<int> source, in global::StaticSeq2Seq.TrainingPass pass)"))
        {
            w.Line("int length = source.Length;");
            w.Line("source.CopyTo(tokens.Slice(SourceTokensOffset, length));");
            for (var layer = 0; layer < layers; layer++)
            {
                w.Line($"// Layer {layer}: both directions start from zero{(lstm ? " h and c" : "")}, the forward one in slot 0, the reverse one in slot length.");
                w.Line($"{Slices.Scratch($"EncoderHidden{layer}", "HiddenSize")}.Clear();");
                w.Line($"{Slices.Activation($"EncoderReverseHidden{layer}", "length", "HiddenSize")}.Clear();");
                if (lstm)
                {
                    w.Line($"{Slices.Scratch($"EncoderCell{layer}", "HiddenSize")}.Clear();");
                    w.Line($"{Slices.Activation($"EncoderReverseCell{layer}", "length", "HiddenSize")}.Clear();");
                }
                using (w.Block("for (int t = 0; t < length; t++)"))
                {
                    w.Line($"EncoderLayer{layer}Forward(p, a, {(layer == 0 ? Embedding("source[t]").Drawn : Input(layer, "p"))}, t);");
                }
                using (w.Block("for (int t = length - 1; t >= 0; t--)"))
                {
                    w.Line($"EncoderReverseLayer{layer}Forward(p, a, {(layer == 0 ? Embedding("source[t]").Reread : Input(layer, "p"))}, t);");
                }
                if (layer < layers - 1)
                {
                    w.Line($"// What layer {layer + 1} reads at position t: [forward output ; reverse output], dropped as the pass says.");
                    using (w.Block("for (int t = 0; t < length; t++)"))
                    {
                        w.Line($"Span<float> output = {Slices.Activation($"EncoderLayerOutputs{layer}", "t", "2 * HiddenSize")};");
                        w.Line($"{Slices.Activation($"EncoderHidden{layer}", "(t + 1)", "HiddenSize")}.CopyTo(output.Slice(0, HiddenSize));");
                        w.Line($"{Slices.Activation($"EncoderReverseHidden{layer}", "t", "HiddenSize")}.CopyTo(output.Slice(HiddenSize, HiddenSize));");
                        w.Line($"pass.DropInPlace(output, {DropoutEmitter.LayerOutputStream(true, layer)}, t);");
                    }
                }
            }
            var top = layers - 1;
            if (shape.HasAttention)
            {
                w.Line("// Attention reads the sum of the top layer's directions at each position.");
                using (w.Block("for (int t = 0; t < length; t++)"))
                {
                    w.Line($"TensorPrimitives.Add({Slices.Activation($"EncoderHidden{top}", "(t + 1)", "HiddenSize")}, {Slices.Activation($"EncoderReverseHidden{top}", "t", "HiddenSize")}, {Slices.Activation("EncoderOutputs", "t", "HiddenSize")});");
                }
            }
            w.Line($"// The decoder's layer l starts from the sum of layer l's final states: the forward one at slot length, the reverse one at slot 0.");
            for (var layer = 0; layer < layers; layer++)
            {
                w.Line($"TensorPrimitives.Add({Slices.Activation($"EncoderHidden{layer}", "length", "HiddenSize")}, {Slices.Scratch($"EncoderReverseHidden{layer}", "HiddenSize")}, {Slices.Scratch($"DecoderHidden{layer}", "HiddenSize")});");
                if (lstm)
                {
                    w.Line($"TensorPrimitives.Add({Slices.Activation($"EncoderCell{layer}", "length", "HiddenSize")}, {Slices.Scratch($"EncoderReverseCell{layer}", "HiddenSize")}, {Slices.Scratch($"DecoderCell{layer}", "HiddenSize")});");
                }
            }
        }
    }

    public static void EmitBackward(CodeWriter w, ModelShape shape)
    {
        var layers = shape.Layers;
        var top = layers - 1;
        var lstm = shape.Cell == CellKind.Lstm;
        w.Line("/// <summary>");
        w.Line("/// Backward of <see cref=\"EncoderForward\"/>, top layer first. On entry DHidden" + (lstm ? " and DCell hold" : " holds") + " dL/d(decoder initial state) of each");
        w.Line("/// layer, which is the gradient of both directions' final states (their sum started the decoder). Each direction then runs");
        w.Line("/// backwards through time, taking at each position the gradient of its output: from attention (DEncoderOutputs) on the");
        w.Line("/// top layer, from the layer above (its half of DEncoderLayerOutputs) below it.");
        w.Line("/// </summary>");
        using (w.Block("private static void EncoderBackward(ReadOnlySpan<float> p, Span<float> g, Span<float> a, ReadOnlySpan<int> tokens, int length, in global::StaticSeq2Seq.TrainingPass pass)"))
        {
            for (var layer = 0; layer < top; layer++)
            {
                w.Line($"a.Slice(DEncoderLayerOutputs{layer}Offset, length * 2 * HiddenSize).Clear();");
            }
            for (var layer = top; layer >= 0; layer--)
            {
                if (layer < top)
                {
                    w.Line($"// Layer {layer + 1} read layer {layer}'s outputs through the dropout mask, so their gradients go back through it.");
                    using (w.Block("for (int t = 0; t < length; t++)"))
                    {
                        w.Line($"pass.DropInPlace({Slices.Activation($"DEncoderLayerOutputs{layer}", "t", "2 * HiddenSize")}, {DropoutEmitter.LayerOutputStream(true, layer)}, t);");
                    }
                }
                w.Line($"// Layer {layer}: keep dL/d(final state) for the reverse direction, which starts from it too.");
                w.Line($"{Slices.Scratch($"DHidden{layer}", "HiddenSize")}.CopyTo({Slices.Scratch("DEncoderFinalHidden", "HiddenSize")});");
                if (lstm)
                {
                    w.Line($"{Slices.Scratch($"DCell{layer}", "HiddenSize")}.CopyTo({Slices.Scratch("DEncoderFinalCell", "HiddenSize")});");
                }
                using (w.Block("for (int t = length - 1; t >= 0; t--)"))
                {
                    EmitOutputGradient(w, shape, layer, "");
                    EmitLayerBackward(w, "Encoder", layer);
                }
                w.Line($"{Slices.Scratch("DEncoderFinalHidden", "HiddenSize")}.CopyTo({Slices.Scratch($"DHidden{layer}", "HiddenSize")});");
                if (lstm)
                {
                    w.Line($"{Slices.Scratch("DEncoderFinalCell", "HiddenSize")}.CopyTo({Slices.Scratch($"DCell{layer}", "HiddenSize")});");
                }
                w.Line("// The reverse direction ran from the last position down, so its backward pass runs from position 0 up.");
                using (w.Block("for (int t = 0; t < length; t++)"))
                {
                    EmitOutputGradient(w, shape, layer, " + HiddenSize");
                    EmitLayerBackward(w, "EncoderReverse", layer);
                }
            }
        }
    }

    /// <summary>Adds dL/d(this direction's output at t) into its carry DHidden; <paramref name="half"/> (empty or <c> + HiddenSize</c>) picks its half of the layer above's input.</summary>
    private static void EmitOutputGradient(CodeWriter w, ModelShape shape, int layer, string half)
    {
        var dh = Slices.Scratch($"DHidden{layer}", "HiddenSize");
        if (layer < shape.Layers - 1)
        {
            w.Line($"TensorPrimitives.Add({dh}, a.Slice(DEncoderLayerOutputs{layer}Offset + t * 2 * HiddenSize{half}, HiddenSize), {dh});");
        }
        else if (shape.HasAttention)
        {
            w.Line($"TensorPrimitives.Add({dh}, {Slices.Activation("DEncoderOutputs", "t", "HiddenSize")}, {dh});");
        }
    }

    /// <summary>
    /// One direction's backward call of layer <paramref name="layer"/> at position t: layer 0's dL/dx goes through the
    /// embedding's dropout mask to the token's embedding row, a layer above adds its dL/dx into DEncoderLayerOutputs.
    /// </summary>
    private static void EmitLayerBackward(CodeWriter w, string direction, int layer)
    {
        if (layer == 0)
        {
            Embedding("tokens[SourceTokensOffset + t]").EmitBackward(w, "dInput", Slices.EmbeddingRow("g", "SourceEmbedding", "tokens[SourceTokensOffset + t]"),
                (_, dx) => $"{direction}Layer0Backward(p, a, {dx}, t)");
            return;
        }
        w.Line($"{direction}Layer{layer}Backward(p, a, {Input(layer, "g")}, t);");
    }

    /// <summary>
    /// Both directions' weight gradients of every layer over all positions, after <c>EncoderBackward</c>: layer 0 read the
    /// embeddings (as dropout left them), each layer above the [forward ; reverse] outputs of the one below, kept as dropped.
    /// </summary>
    public static void EmitWeightsBackward(CodeWriter w, ModelShape shape)
    {
        w.Line("/// <summary>Bidirectional encoder weight gradients over all <paramref name=\"steps\"/> source positions, both directions of every layer, from the gate gradients the steps' backward kept.</summary>");
        using (w.Block($"private static void EncoderWeightsBackward(ReadOnlySpan<float> p, Span<float> g{WeightGradientStageEmitter.Parameter(shape)}, Span<float> a, ReadOnlySpan<int> tokens, int steps, in global::StaticSeq2Seq.TrainingPass pass)"))
        {
            LayerEmitter.EmitGatheredEmbeddings(w, LayerEmitter.Side.Encoder, "steps");
            for (var layer = 0; layer < shape.Layers; layer++)
            {
                var inputs = layer == 0 ? "embeddings" : $"a.Slice(EncoderLayerOutputs{layer - 1}Offset, steps * 2 * HiddenSize)";
                w.Line($"{LayerEmitter.WeightsBackwardName(LayerEmitter.Side.Encoder, layer)}(g{WeightGradientStageEmitter.Argument(shape)}, a, {inputs}, steps);");
                w.Line($"{LayerEmitter.WeightsBackwardName(LayerEmitter.Side.EncoderReverse, layer)}(g{WeightGradientStageEmitter.Argument(shape)}, a, {inputs}, steps);");
            }
        }
    }

    /// <summary>What both directions of layer 0 read at position t: the embedding of <paramref name="token"/>, dropped once for both.</summary>
    private static DropoutEmitter.Input Embedding(string token) =>
        new(Slices.EmbeddingRow("p", "SourceEmbedding", token), Slices.Activation("EncoderDroppedEmbeddings", "t", "EmbeddingSize"), DropoutEmitter.EncoderEmbeddingStream, "t", "EmbeddingSize");

    /// <summary>
    /// What encoder layer <paramref name="layer"/> (above layer 0) reads at position t (<paramref name="buffer"/> <c>p</c>),
    /// or where its gradient goes (<c>g</c>): the layer below's [forward ; reverse] outputs, dropped in place.
    /// </summary>
    private static string Input(int layer, string buffer)
    {
        var name = buffer == "p" ? $"EncoderLayerOutputs{layer - 1}" : $"DEncoderLayerOutputs{layer - 1}";
        return Slices.Activation(name, "t", "2 * HiddenSize");
    }
}
