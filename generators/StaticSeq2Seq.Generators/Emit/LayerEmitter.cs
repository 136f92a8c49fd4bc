using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits each recurrent layer's step and the output layer, forward and backward side by side (llm.c's
/// pairing), then the cell's element-wise gate math, then the steps through the whole layer stack.
/// </summary>
internal static class LayerEmitter
{
    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        var shape = plan.Shape;
        Side[] sides = shape.BidirectionalEncoder ? [Side.Encoder, Side.EncoderReverse, Side.Decoder] : [Side.Encoder, Side.Decoder];
        foreach (var side in sides)
        {
            for (var layer = 0; layer < shape.Layers; layer++)
            {
                var precomputed = InputProductsEmitter.Applies(shape, side, layer);
                if (precomputed)
                {
                    InputProductsEmitter.EmitForward(w, shape, side);
                    w.Line();
                }
                if (precomputed)
                {
                    EmitLayerForward(w, shape, side, layer, InputProduct.Precomputed);
                    w.Line();
                }
                if (!precomputed || !side.IsEncoder)
                {
                    // The decoder's free-running passes and decoding compute each step's input product themselves.
                    EmitLayerForward(w, shape, side, layer, InputProduct.Computed);
                    w.Line();
                }
                EmitLayerBackward(w, shape, side, layer, inputGradient: !precomputed);
                w.Line();
                if (precomputed)
                {
                    InputProductsEmitter.EmitBackward(w, shape, side);
                    w.Line();
                }
            }
        }
        OutputEmitter.EmitForward(w, plan);
        w.Line();
        OutputEmitter.EmitBackward(w, plan);
        w.Line();
        switch (shape.Cell)
        {
            case CellKind.Lstm:
                GateEmitter.EmitLstmForward(w);
                w.Line();
                GateEmitter.EmitLstmBackward(w);
                break;
            case CellKind.Gru:
                GateEmitter.EmitGruForward(w);
                w.Line();
                GateEmitter.EmitGruBackward(w);
                break;
            default:
                GateEmitter.EmitRnnForward(w);
                w.Line();
                GateEmitter.EmitRnnBackward(w);
                break;
        }
        if (shape.BidirectionalEncoder)
        {
            w.Line();
            BidirectionalEncoderEmitter.EmitForward(w, shape);
            w.Line();
            BidirectionalEncoderEmitter.EmitBackward(w, shape);
            w.Line();
            BidirectionalEncoderEmitter.EmitWeightsBackward(w, shape);
        }
        else
        {
            w.Line();
            EmitStackForward(w, shape, Side.Encoder);
            w.Line();
            EmitStackBackward(w, shape, Side.Encoder);
            w.Line();
            EmitStackWeightsBackward(w, shape, Side.Encoder);
        }
        w.Line();
        EmitStackForward(w, shape, Side.Decoder);
        w.Line();
        EmitStackForward(w, shape, Side.Decoder, fromInputProducts: true);
        w.Line();
        EmitStackBackward(w, shape, Side.Decoder);
        w.Line();
        EmitStackWeightsBackward(w, shape, Side.Decoder);
    }

    private static string Unparenthesized(string slot) => slot.Trim('(', ')');

    /// <summary>
    /// The decoder's layer 0 with its input product W_ih x + b_ih read from a row of the decoding table
    /// (<c>DecoderInputTableRule</c>) instead of computed: the same layer as <c>DecoderLayer0Forward</c> otherwise.
    /// </summary>
    public static void EmitDecoderLayer0ForwardFromTable(CodeWriter w, ModelShape shape, WeightSource weights) =>
        EmitLayerForward(w, shape, Side.Decoder, 0, InputProduct.FromTable, weights);

    /// <summary>The decoder's layer <paramref name="layer"/>, forward, multiplying by <paramref name="weights"/>.</summary>
    public static void EmitDecoderLayerForward(CodeWriter w, ModelShape shape, int layer, WeightSource weights) =>
        EmitLayerForward(w, shape, Side.Decoder, layer, InputProduct.Computed, weights);

    /// <summary>Where a layer's step finds its input product W_ih x + b_ih.</summary>
    private enum InputProduct
    {
        /// <summary>Computed by the step from its input x.</summary>
        Computed,

        /// <summary>Copied from a row of the decoding table.</summary>
        FromTable,

        /// <summary>Already in the step's gate row, written for every step at once before the recurrence (<see cref="InputProductsEmitter"/>).</summary>
        Precomputed,
    }

    private static void EmitLayerForward(CodeWriter w, ModelShape shape, Side side, int layer, InputProduct inputProduct, WeightSource? weights = null)
    {
        weights ??= WeightSource.Float32;
        var fromTable = inputProduct == InputProduct.FromTable;
        var cell = shape.Cell switch
        {
            CellKind.Lstm => "LSTM",
            CellKind.Gru => "GRU",
            _ => "RNN",
        };
        var input = layer > 0 ? (side.IsEncoder && shape.BidirectionalEncoder ? "2H, [forward ; reverse] of the layer below" : "H") : side == Side.Decoder && shape.Attention == AttentionKind.Bahdanau ? "E + H" : "E";
        var state = shape.Cell == CellKind.Lstm ? " (h and c)" : "";
        var ih = Kernel(shape, side, layer);
        var hh = new LinearKernelPlan(shape.HiddenSize, shape.GateSize);
        var contextRows = inputProduct == InputProduct.Precomputed && InputProductsEmitter.HasContextRows(shape, side);
        void EmitInputProduct(string target)
        {
            switch (inputProduct)
            {
                case InputProduct.FromTable:
                    w.Line($"inputGates.CopyTo({target});");
                    break;
                case InputProduct.Computed:
                    w.Line($"DenseKernels.{weights.Kernel(ih)}({weights.Matrix(side.Tensor("WeightIh", layer))}, {Slices.Parameter(side.Tensor("BiasIh", layer))}, x, {target});");
                    break;
                default:
                    if (contextRows)
                    {
                        w.Line($"// {target} already holds the embedding's W_ih rows times e + b_ih ({InputProductsEmitter.ForwardName(side)} wrote every step's before the");
                        w.Line("// recurrence); the context's rows add W_ctx c = Σ_j a_j (W_ctx k_j), from the rows ContextGatesForward wrote once per source.");
                        w.Line($"ReadOnlySpan<float> weights = a.Slice(AttentionWeightsOffset + {side.Step} * MaxSourceLength, sourceLength);");
                        using (w.Block("for (int j = 0; j < sourceLength; j++)"))
                        {
                            w.Line($"TensorPrimitives.MultiplyAdd(a.Slice(ContextGatesOffset + j * GateSize, GateSize), weights[j], {target}, {target});");
                        }
                    }
                    else
                    {
                        w.Line($"// {target} already holds W_ih x + b_ih: {InputProductsEmitter.ForwardName(side)} wrote every step's before the recurrence.");
                    }
                    break;
            }
        }
        if (fromTable)
        {
            w.Line($"/// <summary>{side.Label(layer)} ({cell}), step {side.Step}, forward for decoding: reads the token's row of the input table (W_ih x + b_ih, G) and state slot {Unparenthesized(side.Read)}{state}, writes state slot {Unparenthesized(side.Write)}.</summary>");
        }
        else if (contextRows)
        {
            w.Line($"/// <summary>{side.Label(layer)} ({cell}), step {side.Step}, forward: reads its embedding's input product (written by <see cref=\"{InputProductsEmitter.ForwardName(side)}\"/>), the step's attention weights over ContextGates and state slot {Unparenthesized(side.Read)}{state}, writes state slot {Unparenthesized(side.Write)}.</summary>");
        }
        else if (inputProduct == InputProduct.Precomputed)
        {
            w.Line($"/// <summary>{side.Label(layer)} ({cell}), step {side.Step}, forward: reads its input product W_ih x + b_ih (written by <see cref=\"{InputProductsEmitter.ForwardName(side)}\"/>) and state slot {Unparenthesized(side.Read)}{state}, writes state slot {Unparenthesized(side.Write)}.</summary>");
        }
        else
        {
            w.Line($"/// <summary>{side.Label(layer)} ({cell}), step {side.Step}, forward: reads x ({input}) and state slot {Unparenthesized(side.Read)}{state}, writes state slot {Unparenthesized(side.Write)}.</summary>");
        }
        var signature = inputProduct switch
        {
            InputProduct.FromTable => $"private static void {side.Name}Layer{layer}ForwardFromTable({weights.Parameters}, Span<float> a, ReadOnlySpan<float> inputGates, int {side.Step})",
            InputProduct.Precomputed => $"private static void {InputProductsEmitter.LayerForwardName(side)}({weights.Parameters}, Span<float> a, {(contextRows ? "int sourceLength, " : "")}int {side.Step})",
            _ => $"private static void {side.Name}Layer{layer}Forward({weights.Parameters}, Span<float> a, ReadOnlySpan<float> x, int {side.Step})",
        };
        using (w.Block(signature))
        {
            w.Line($"ReadOnlySpan<float> h = {Slices.Activation($"{side.Name}Hidden{layer}", side.Read, "HiddenSize")};");
            w.Line($"Span<float> hNext = {Slices.Activation($"{side.Name}Hidden{layer}", side.Write, "HiddenSize")};");
            w.Line($"Span<float> gatesHh = {Slices.Scratch("GatesHh", "GateSize")};");
            if (shape.Cell == CellKind.Lstm)
            {
                w.Line($"ReadOnlySpan<float> c = {Slices.Activation($"{side.Name}Cell{layer}", side.Read, "HiddenSize")};");
                w.Line($"Span<float> cNext = {Slices.Activation($"{side.Name}Cell{layer}", side.Write, "HiddenSize")};");
                w.Line($"Span<float> gates = {Slices.Activation($"{side.Name}Gates{layer}", side.Step, "GateSize")};");
                EmitInputProduct("gates");
                w.Line($"DenseKernels.{weights.Kernel(hh)}({weights.Matrix(side.Tensor("WeightHh", layer))}, {Slices.Parameter(side.Tensor("BiasHh", layer))}, h, gatesHh);");
                w.Line("LstmGatesForward(gates, gatesHh, c, cNext, hNext);");
            }
            else if (shape.Cell == CellKind.Gru)
            {
                w.Line($"Span<float> gates = {Slices.Activation($"{side.Name}Gates{layer}", side.Step, "GateSize")};");
                w.Line($"Span<float> hiddenN = {Slices.Activation($"{side.Name}HiddenN{layer}", side.Step, "HiddenSize")};");
                EmitInputProduct("gates");
                w.Line($"DenseKernels.{weights.Kernel(hh)}({weights.Matrix(side.Tensor("WeightHh", layer))}, {Slices.Parameter(side.Tensor("BiasHh", layer))}, h, gatesHh);");
                w.Line("GruGatesForward(gates, gatesHh, h, hiddenN, hNext);");
            }
            else
            {
                EmitInputProduct("hNext");
                w.Line($"DenseKernels.{weights.Kernel(hh)}({weights.Matrix(side.Tensor("WeightHh", layer))}, {Slices.Parameter(side.Tensor("BiasHh", layer))}, h, gatesHh);");
                w.Line("RnnForward(gatesHh, hNext);");
            }
        }
    }

    /// <summary>
    /// One step's backward; without <paramref name="inputGradient"/>, dL/dx waits for all steps too
    /// (<see cref="InputProductsEmitter.EmitBackward"/>), since nothing in the recurrence reads it.
    /// </summary>
    private static void EmitLayerBackward(CodeWriter w, ModelShape shape, Side side, int layer, bool inputGradient)
    {
        var ih = Kernel(shape, side, layer);
        // Bahdanau's layer 0 leaves its gate gradient to the attention's backward, which takes the context's share from it.
        var contextRows = !inputGradient && layer == 0 && InputProductsEmitter.HasContextRows(shape, side);
        var hh = new LinearKernelPlan(shape.HiddenSize, shape.GateSize);
        var lstm = shape.Cell == CellKind.Lstm;
        var gru = shape.Cell == CellKind.Gru;
        var carry = lstm ? $"dL/dh' (DHidden{layer}) and dL/dc' (DCell{layer})" : $"dL/dh' (DHidden{layer})";
        var previous = lstm ? $"dL/dh and dL/dc of the previous step (written back to DHidden{layer} and DCell{layer})" : $"dL/dh of the previous step (written back to DHidden{layer})";
        w.Line("/// <summary>");
        w.Line($"/// {side.Label(layer)}, step {side.Step}, backward: turns {carry} into {previous},");
        w.Line(inputGradient
            ? $"/// keeps the step's gate gradients for <see cref=\"{WeightsBackwardName(side, layer)}\"/>, and adds dL/dx into <paramref name=\"dx\"/>."
            : contextRows
            ? $"/// and keeps the step's gate gradients for <see cref=\"{WeightsBackwardName(side, layer)}\"/>, <see cref=\"{InputProductsEmitter.BackwardName(side)}\"/> and the attention's backward."
            : $"/// and keeps the step's gate gradients for <see cref=\"{WeightsBackwardName(side, layer)}\"/> and <see cref=\"{InputProductsEmitter.BackwardName(side)}\"/>.");
        w.Line("/// </summary>");
        var dx = inputGradient ? "Span<float> dx, " : "";
        using (w.Block($"private static void {side.Name}Layer{layer}Backward(ReadOnlySpan<float> p, Span<float> a, {dx}int {side.Step})"))
        {
            if (!lstm)
            {
                w.Line(gru
                    ? $"ReadOnlySpan<float> h = {Slices.Activation($"{side.Name}Hidden{layer}", side.Read, "HiddenSize")};"
                    : $"ReadOnlySpan<float> hNext = {Slices.Activation($"{side.Name}Hidden{layer}", side.Write, "HiddenSize")};");
            }
            else
            {
                w.Line($"ReadOnlySpan<float> c = {Slices.Activation($"{side.Name}Cell{layer}", side.Read, "HiddenSize")};");
                w.Line($"ReadOnlySpan<float> cNext = {Slices.Activation($"{side.Name}Cell{layer}", side.Write, "HiddenSize")};");
            }
            if (gru || lstm)
            {
                w.Line($"ReadOnlySpan<float> gates = {Slices.Activation($"{side.Name}Gates{layer}", side.Step, "GateSize")};");
            }
            if (gru)
            {
                w.Line($"ReadOnlySpan<float> hiddenN = {Slices.Activation($"{side.Name}HiddenN{layer}", side.Step, "HiddenSize")};");
            }
            w.Line($"Span<float> dh = {Slices.Scratch($"DHidden{layer}", "HiddenSize")};");
            if (lstm)
            {
                w.Line($"Span<float> dc = {Slices.Scratch($"DCell{layer}", "HiddenSize")};");
            }
            w.Line($"Span<float> dhPrevious = {Slices.Scratch("DHiddenPrevious", "HiddenSize")};");
            if (lstm)
            {
                w.Line($"Span<float> dcPrevious = {Slices.Scratch("DCellPrevious", "HiddenSize")};");
            }
            w.Line($"Span<float> dGatesIh = {Slices.Activation($"{side.Name}DGatesIh{layer}", side.Step, "GateSize")};");
            if (gru)
            {
                w.Line($"Span<float> dGatesHh = {Slices.Activation($"{side.Name}DGatesHh{layer}", side.Step, "GateSize")};");
                w.Line("GruGatesBackward(dh, gates, hiddenN, h, dGatesIh, dGatesHh, dhPrevious);");
            }
            else if (lstm)
            {
                w.Line("// Both pre-activations share one gradient: every gate reads gi + gh.");
                w.Line("LstmGatesBackward(dh, dc, gates, c, cNext, dGatesIh, dcPrevious);");
                w.Line("dhPrevious.Clear();");
            }
            else
            {
                w.Line("// Both pre-activations share one gradient: h' = tanh(gi + gh).");
                w.Line("RnnBackward(dh, hNext, dGatesIh);");
                w.Line("dhPrevious.Clear();");
            }
            w.Line(inputGradient
                ? "// The recurrence needs dL/dh and dL/dx now, which read the weights only; the weight gradients wait for all steps."
                : "// The recurrence needs dL/dh now, which reads W_hh only; dL/dx and the weight gradients wait for all steps.");
            w.Line("// Odd steps read the weights' rows back to front: those the step before read last are still in L1.");
            w.Line($"bool descending = ({side.Step} & 1) != 0;");
            w.Line($"DenseKernels.{StepInputBackwardEmitter.Name(hh)}({Slices.Parameter(side.Tensor("WeightHh", layer))}, {(gru ? "dGatesHh" : "dGatesIh")}, dhPrevious, descending);");
            if (inputGradient)
            {
                w.Line($"DenseKernels.{StepInputBackwardEmitter.Name(ih)}({Slices.Parameter(side.Tensor("WeightIh", layer))}, dGatesIh, dx, descending);");
            }
            w.Line("dhPrevious.CopyTo(dh);");
            if (lstm)
            {
                w.Line("dcPrevious.CopyTo(dc);");
            }
        }
        w.Line();
        EmitWeightsBackward(w, shape, side, layer);
    }

    public static string WeightsBackwardName(Side side, int layer) => $"{side.Name}Layer{layer}WeightsBackward";

    /// <summary>
    /// The weight and bias gradients of one layer (one direction) over all its steps, from the gate gradients its steps kept:
    /// one pass over each weight gradient per sequence instead of one per step, which is what keeps training off the
    /// memory's pace once a layer's weights outgrow L2.
    /// </summary>
    private static void EmitWeightsBackward(CodeWriter w, ModelShape shape, Side side, int layer)
    {
        // Bahdanau's layer 0 gathers its embedding rows' gradient here, its context rows' over the source positions (ContextGatesBackward).
        var embeddingRowsOnly = layer == 0 && InputProductsEmitter.HasContextRows(shape, side);
        var gru = shape.Cell == CellKind.Gru;
        // Step t reads slot t (the reverse direction slot t + 1): the states read are the `steps` slots from there.
        var firstRead = side.Read == side.Step ? "" : " + HiddenSize";
        w.Line("/// <summary>");
        w.Line($"/// {side.Label(layer)} backward over all <paramref name=\"steps\"/> at once: dW_ih{(embeddingRowsOnly ? "[embedding rows]" : "")} += Σ x dGatesIh^T and dW_hh += Σ h dGates{(gru ? "Hh" : "Ih")}^T,");
        w.Line($"/// the biases' gradients the sums of the gate gradients. <paramref name=\"inputs\"/> holds the layer's input x of each step, one row per step.");
        w.Line("/// </summary>");
        using (w.Block($"private static void {WeightsBackwardName(side, layer)}(Span<float> g{WeightGradientStageEmitter.Parameter(shape)}, ReadOnlySpan<float> a, ReadOnlySpan<float> inputs, int steps)"))
        {
            w.Line($"ReadOnlySpan<float> dGatesIh = a.Slice({side.Name}DGatesIh{layer}Offset, steps * GateSize);");
            if (gru)
            {
                w.Line($"ReadOnlySpan<float> dGatesHh = a.Slice({side.Name}DGatesHh{layer}Offset, steps * GateSize);");
            }
            w.Line(WeightGradientStageEmitter.Call(shape, $"{side.Name}Layer{layer}Ih", "inputs", "dGatesIh", "steps"));
            w.Line(firstRead.Length == 0
                ? $"// Step {side.Step} read the state in slot {side.Step}."
                : $"// Step {side.Step} read the state in slot {side.Step} + 1: the reverse direction starts from the last slot.");
            w.Line(WeightGradientStageEmitter.Call(shape, $"{side.Name}Layer{layer}Hh", $"a.Slice({side.Name}Hidden{layer}Offset{firstRead}, steps * HiddenSize)", gru ? "dGatesHh" : "dGatesIh", "steps"));
        }
    }

    /// <summary>
    /// The encoder's layers and its step through them, forward, multiplying by <paramref name="weights"/>: a one-way
    /// encoder's, whose layer 0 reads its input product written before the recurrence.
    /// </summary>
    public static void EmitEncoderStepForward(CodeWriter w, ModelShape shape, WeightSource weights)
    {
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            EmitLayerForward(w, shape, Side.Encoder, layer, InputProductsEmitter.Applies(shape, Side.Encoder, layer) ? InputProduct.Precomputed : InputProduct.Computed, weights);
            w.Line();
        }
        EmitStackForward(w, shape, Side.Encoder, weights);
    }

    /// <summary>The decoder's step through all layers, forward, multiplying by <paramref name="weights"/>.</summary>
    public static void EmitDecoderStepForward(CodeWriter w, ModelShape shape, WeightSource weights) =>
        EmitStackForward(w, shape, Side.Decoder, weights);

    /// <summary>
    /// One step through the stack. With <paramref name="fromInputProducts"/> (always for a one-way encoder; for the decoder the
    /// teacher-forced step), layer 0 reads the input product written for every step before the recurrence.
    /// </summary>
    private static void EmitStackForward(CodeWriter w, ModelShape shape, Side side, WeightSource? weights = null, bool fromInputProducts = false)
    {
        weights ??= WeightSource.Float32;
        if (side == Side.Decoder && shape.HasAttention)
        {
            AttentionEmitter.EmitDecoderStepForward(w, shape, weights, fromInputProducts);
            return;
        }
        fromInputProducts |= side.IsEncoder && InputProductsEmitter.Applies(shape, side, 0);
        var layer0 = fromInputProducts
            ? $"layer 0 reads its input product (<see cref=\"{InputProductsEmitter.ForwardName(side)}\"/>)"
            : "layer 0 reads the token's embedding";
        w.Line(shape.Layers == 1
            ? $"/// <summary>{side.Name} step {side.Step}: {(fromInputProducts ? layer0.Replace("layer 0", "the layer") : $"the layer reads the token's embedding, dropped as <paramref name=\"pass\"/> says")}.</summary>"
            : $"/// <summary>{side.Name} step {side.Step} through all {shape.Layers} layers: {layer0}, each layer above the new state of the one below, each dropped as <paramref name=\"pass\"/> says.</summary>");
        var signature = fromInputProducts && !side.IsEncoder
            ? $"private static void {side.Name}StepForwardFromInputProducts({weights.Parameters}, Span<float> a, int {side.Step}, in global::StaticSeq2Seq.TrainingPass pass)"
            : $"private static void {side.Name}StepForward({weights.Parameters}, Span<float> a, int token, int {side.Step}, in global::StaticSeq2Seq.TrainingPass pass)";
        using (w.Block(signature))
        {
            for (var layer = 0; layer < shape.Layers; layer++)
            {
                w.Line(layer == 0 && fromInputProducts
                    ? $"{InputProductsEmitter.LayerForwardName(side)}({weights.Arguments}, a, {side.Step});"
                    : $"{side.Name}Layer{layer}Forward({weights.Arguments}, a, {StackInput(side, layer).Drawn}, {side.Step});");
            }
        }
    }

    /// <summary>What layer <paramref name="layer"/> of a one-way stack reads: the token's embedding, or the new state of the layer below.</summary>
    internal static DropoutEmitter.Input StackInput(Side side, int layer)
    {
        var encoder = side.IsEncoder;
        var prefix = encoder ? "Encoder" : "Decoder";
        return layer == 0
            ? new DropoutEmitter.Input(Slices.EmbeddingRow("p", side.Embedding, "token"), Slices.Activation($"{prefix}DroppedEmbeddings", side.Step, "EmbeddingSize"),
                encoder ? DropoutEmitter.EncoderEmbeddingStream : DropoutEmitter.DecoderEmbeddingStream, side.Step, "EmbeddingSize")
            : new DropoutEmitter.Input(Slices.Activation($"{side.Name}Hidden{layer - 1}", $"({side.Step} + 1)", "HiddenSize"), Slices.Activation($"{prefix}DroppedOutputs{layer - 1}", side.Step, "HiddenSize"),
                DropoutEmitter.LayerOutputStream(encoder, layer - 1), side.Step, "HiddenSize");
    }

    private static void EmitStackBackward(CodeWriter w, ModelShape shape, Side side)
    {
        if (side == Side.Decoder && shape.HasAttention)
        {
            AttentionEmitter.EmitDecoderStepBackward(w, shape);
            return;
        }
        // A one-way stack's layer 0 takes dL/dx over all steps (InputProductsRule), so no step reads its token.
        var embeddingGradient = $"layer 0's dL/dx waits for all steps (<see cref=\"{InputProductsEmitter.BackwardName(side)}\"/>)";
        w.Line(shape.Layers == 1
            ? $"/// <summary>{side.Name} step {side.Step} backward: {embeddingGradient}.</summary>"
            : $"/// <summary>{side.Name} step {side.Step} backward, top layer first: each upper layer's dL/dx joins, through the forward pass's dropout mask, dL/dh of the layer below at the same step; {embeddingGradient}.</summary>");
        using (w.Block($"private static void {side.Name}StepBackward(ReadOnlySpan<float> p, Span<float> g, Span<float> a, int {side.Step}, in global::StaticSeq2Seq.TrainingPass pass)"))
        {
            EmitUpperLayersBackward(w, shape, side);
            w.Line($"{side.Name}Layer0Backward(p, a, {side.Step});");
        }
    }

    /// <summary>
    /// One step back through a one-way stack's layers above the first, top first: each layer's dL/dx joins, through the
    /// forward pass's dropout mask, dL/dh of the layer below.
    /// </summary>
    internal static void EmitUpperLayersBackward(CodeWriter w, ModelShape shape, Side side)
    {
        for (var layer = shape.Layers - 1; layer >= 1; layer--)
        {
            var current = layer;
            StackInput(side, layer).EmitBackward(w, $"dInput{layer}", Slices.Scratch($"DHidden{layer - 1}", "HiddenSize"), (_, d) => $"{side.Name}Layer{current}Backward(p, a, {d}, {side.Step})");
        }
    }

    /// <summary>
    /// A one-way stack's weight gradients, after the backward pass through all its steps: each layer's over all steps at once,
    /// reading its inputs as the forward pass's dropout left them, one row per step.
    /// </summary>
    private static void EmitStackWeightsBackward(CodeWriter w, ModelShape shape, Side side)
    {
        var steps = side.IsEncoder ? "source positions" : "decoder steps";
        w.Line($"/// <summary>{side.Name} weight gradients over all <paramref name=\"steps\"/> {steps}, from the gate gradients the steps' backward kept.</summary>");
        using (w.Block($"private static void {side.Name}WeightsBackward(ReadOnlySpan<float> p, Span<float> g{WeightGradientStageEmitter.Parameter(shape)}, Span<float> a, ReadOnlySpan<int> tokens, int steps, in global::StaticSeq2Seq.TrainingPass pass)"))
        {
            if (InputProductsEmitter.HasContextRows(shape, side) || (side.IsEncoder && InputProductsEmitter.Applies(shape, side, 0)))
            {
                w.Line(side.IsEncoder
                    ? $"// Layer 0 read the embeddings as {InputProductsEmitter.ForwardName(side)} gathered them, one row per step."
                    : $"// Layer 0's embedding rows read the embeddings as {InputProductsEmitter.ForwardName(side)} or each free-running step kept them, one row per step.");
                w.Line($"{WeightsBackwardName(side, 0)}(g{WeightGradientStageEmitter.Argument(shape)}, a, a.Slice({InputProductsEmitter.Inputs(side)}Offset, steps * EmbeddingSize), steps);");
            }
            else
            {
                EmitGatheredEmbeddings(w, side, "steps");
                w.Line($"{WeightsBackwardName(side, 0)}(g{WeightGradientStageEmitter.Argument(shape)}, a, embeddings, steps);");
            }
            if (InputProductsEmitter.Applies(shape, side, 0))
            {
                w.Line($"{InputProductsEmitter.BackwardName(side)}(p, g, a, tokens, steps, pass);");
            }
            for (var layer = 1; layer < shape.Layers; layer++)
            {
                var input = StackInput(side, layer);
                var states = $"a.Slice({side.Name}Hidden{layer - 1}Offset + HiddenSize, steps * HiddenSize)";
                var dropped = $"a.Slice({(side.IsEncoder ? "Encoder" : "Decoder")}DroppedOutputs{layer - 1}Offset, steps * HiddenSize)";
                w.Line($"// Layer {layer} read layer {layer - 1}'s new states, slots 1..steps, or their copies as dropout left them.");
                w.Line($"{WeightsBackwardName(side, layer)}(g{WeightGradientStageEmitter.Argument(shape)}, a, pass.DroppedInput({states}, {dropped}, {input.Stream}), steps);");
            }
        }
    }

    /// <summary>
    /// Emits <c>embeddings</c>, the (steps, E) block of what layer 0 of <paramref name="side"/> read at each step: the rows
    /// dropout wrote, or, at rate 0, where the layer read the embedding rows in place, those rows gathered into the same block.
    /// </summary>
    internal static void EmitGatheredEmbeddings(CodeWriter w, Side side, string steps)
    {
        var input = StackInput(side, 0);
        var prefix = side.IsEncoder ? "Encoder" : "Decoder";
        var tokens = side.IsEncoder ? "SourceTokensOffset" : "DecoderInputsOffset";
        w.Line($"Span<float> embeddings = a.Slice({prefix}DroppedEmbeddingsOffset, {steps} * EmbeddingSize);");
        using (w.Block($"if (pass.DropoutRate({input.Stream}) == 0f)"))
        {
            w.Line("// Without dropout the layer read the embedding rows in place: gather them, one row per step.");
            using (w.Block($"for (int {side.Step} = 0; {side.Step} < {steps}; {side.Step}++)"))
            {
                w.Line($"{Slices.EmbeddingRow("p", side.Embedding, $"tokens[{tokens} + {side.Step}]")}.CopyTo({Slices.Activation($"{prefix}DroppedEmbeddings", side.Step, "EmbeddingSize")});");
            }
        }
    }

    private static LinearKernelPlan Kernel(ModelShape shape, Side side, int layer) => new(shape.LayerInputSize(side.IsEncoder, layer), shape.GateSize);

    /// <summary>
    /// One direction of one recurrent stack: its methods' and buffers' prefix, its step variable, the embedding it reads,
    /// the prefix and suffix of its tensors' names, and the state slots step <see cref="Step"/> reads and writes.
    /// </summary>
    internal sealed record Side(string Name, string Step, string Embedding, string TensorPrefix, string TensorSuffix, string Read, string Write)
    {
        public static readonly Side Encoder = new("Encoder", "t", "SourceEmbedding", "Encoder", "", "t", "(t + 1)");
        /// <summary>A bidirectional encoder's reverse direction: it runs from the last position down, so step t reads slot t + 1 and writes slot t.</summary>
        public static readonly Side EncoderReverse = new("EncoderReverse", "t", "SourceEmbedding", "Encoder", "Reverse", "(t + 1)", "t");
        public static readonly Side Decoder = new("Decoder", "i", "TargetEmbedding", "Decoder", "", "i", "(i + 1)");

        public bool IsEncoder => TensorPrefix == "Encoder";

        /// <summary>The identifier of this direction's tensor <paramref name="kind"/> (<c>WeightIh</c>, <c>BiasHh</c>, ...) of <paramref name="layer"/>.</summary>
        public string Tensor(string kind, int layer) => $"{TensorPrefix}{kind}{layer}{TensorSuffix}";

        public string Label(int layer) => TensorSuffix.Length == 0 ? $"{Name} layer {layer}" : $"{TensorPrefix} layer {layer}, reverse direction";
    }
}
