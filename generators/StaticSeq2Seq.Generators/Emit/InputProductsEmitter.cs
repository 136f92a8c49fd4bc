using StaticSeq2Seq.Generators.Model;
using StaticSeq2Seq.Generators.Planning;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits layer 0's input side over all steps at once where <see cref="InputProductsRule"/> says: its inputs, embeddings,
/// are known before the recurrence, so the input product W_ih x_t + b_ih of every step is one matrix-matrix product
/// written into each step's gate row (W_ih streams once per sequence, not once per step), and dL/dx_t, which no step of
/// the recurrence reads, is one matrix-matrix product after the recurrent backward. The forward product runs the
/// per-step kernel's fused multiply-adds in the same order, so the states are bit for bit those of a step-by-step pass.
/// </summary>
internal static class InputProductsEmitter
{
    /// <summary>Whether <paramref name="layer"/> of <paramref name="side"/> takes its input side over all steps at once.</summary>
    public static bool Applies(ModelShape shape, LayerEmitter.Side side, int layer) =>
        layer == 0 && (side == LayerEmitter.Side.Encoder ? InputProductsRule.AppliesToEncoder(shape) : side == LayerEmitter.Side.Decoder);

    /// <summary>Whether layer 0 of <paramref name="side"/> also reads a context, through W_ih rows the source positions multiply once (<see cref="ContextRowsRule"/>).</summary>
    public static bool HasContextRows(ModelShape shape, LayerEmitter.Side side) => side == LayerEmitter.Side.Decoder && ContextRowsRule.Applies(shape);

    /// <summary>W_ih's rows the all-steps products multiply, in the parameters <c>p</c> or gradients <c>g</c>: the embedding's, all of W_ih unless the layer also reads a context.</summary>
    public static string EmbeddingRows(ModelShape shape, LayerEmitter.Side side, string buffer) => HasContextRows(shape, side)
        ? $"{buffer}.Slice({side.Tensor("WeightIh", 0)}Offset, EmbeddingSize * GateSize)"
        : $"{buffer}.Slice({side.Tensor("WeightIh", 0)}Offset, {side.Tensor("WeightIh", 0)}Length)";

    /// <summary>The decoder's W_ih rows of the context, after the embedding's (stored transposed, one row per input), in the parameters <c>p</c> or gradients <c>g</c>.</summary>
    public static string ContextRows(string buffer) => $"{buffer}.Slice(DecoderWeightIh0Offset + EmbeddingSize * GateSize, HiddenSize * GateSize)";

    /// <summary>The size of the product: embedding in, gates out.</summary>
    public static LinearKernelPlan Kernel(ModelShape shape) => new(shape.EmbeddingSize, shape.GateSize);

    public static string ForwardName(LayerEmitter.Side side) => $"{side.Name}Layer0InputProducts";

    /// <summary>Layer 0's step that reads its input product from its gate row.</summary>
    public static string LayerForwardName(LayerEmitter.Side side) => $"{side.Name}Layer0ForwardFromInputProducts";

    public static string BackwardName(LayerEmitter.Side side) => $"{side.Name}Layer0InputsBackward";

    /// <summary>The buffer holding layer 0's input of every step, (steps, E).</summary>
    public static string Inputs(LayerEmitter.Side side) => $"{side.Name}DroppedEmbeddings";

    /// <summary>Where step t's input product goes: the GRU's and LSTM's gate row t, the RNN's new state (slot t + 1), which its step adds W_hh h + b_hh to.</summary>
    public static string Products(ModelShape shape, LayerEmitter.Side side, string steps) => shape.Cell == CellKind.Rnn
        ? $"a.Slice({side.Name}Hidden0Offset + HiddenSize, {steps} * HiddenSize)"
        : $"a.Slice({side.Name}Gates0Offset, {steps} * GateSize)";

    public static void EmitForward(CodeWriter w, ModelShape shape, LayerEmitter.Side side)
    {
        var input = LayerEmitter.StackInput(side, 0);
        var kernel = Kernel(shape);
        w.Line("/// <summary>");
        w.Line(HasContextRows(shape, side)
            ? $"/// {side.Label(0)}'s input product from the embedding, W_ih[embedding rows] e_t + b_ih, for every step at once, before the recurrence"
            + " (each step adds its context's rows): the embeddings of"
            : $"/// {side.Label(0)}'s input product W_ih x_t + b_ih for every step at once, before the recurrence: the embeddings of");
        w.Line("/// <paramref name=\"inputs\"/>, one token per step, dropped as <paramref name=\"pass\"/> says, gathered into one block (steps, E),");
        w.Line($"/// then one matrix-matrix product into {(shape.Cell == CellKind.Rnn ? "the new state of each step, which the step completes" : "each step's gate row")}.");
        w.Line("/// </summary>");
        using (w.Block($"private static void {ForwardName(side)}(ReadOnlySpan<float> p, Span<float> a, ReadOnlySpan<int> inputs, in global::StaticSeq2Seq.TrainingPass pass)"))
        {
            w.Line("int steps = inputs.Length;");
            using (w.Block($"if (pass.DropoutRate({input.Stream}) == 0f)"))
            {
                using (w.Block($"for (int {side.Step} = 0; {side.Step} < steps; {side.Step}++)"))
                {
                    w.Line($"{Slices.EmbeddingRow("p", side.Embedding, $"inputs[{side.Step}]")}.CopyTo({Slices.Activation(Inputs(side), side.Step, "EmbeddingSize")});");
                }
            }
            using (w.Block("else"))
            {
                using (w.Block($"for (int {side.Step} = 0; {side.Step} < steps; {side.Step}++)"))
                {
                    w.Line($"pass.Drop({Slices.EmbeddingRow("p", side.Embedding, $"inputs[{side.Step}]")}, {Slices.Activation(Inputs(side), side.Step, "EmbeddingSize")}, {input.Stream}, {side.Step});");
                }
            }
            w.Line($"DenseKernels.{StepsKernelEmitter.ForwardName(kernel)}({EmbeddingRows(shape, side, "p")}, {Slices.Parameter(side.Tensor("BiasIh", 0))}, a.Slice({Inputs(side)}Offset, steps * EmbeddingSize), {Products(shape, side, "steps")}, steps);");
        }
    }

    public static void EmitBackward(CodeWriter w, ModelShape shape, LayerEmitter.Side side)
    {
        var input = LayerEmitter.StackInput(side, 0);
        var kernel = Kernel(shape);
        var tokens = side.IsEncoder ? "SourceTokensOffset" : "DecoderInputsOffset";
        w.Line("/// <summary>");
        w.Line(HasContextRows(shape, side)
            ? $"/// {side.Label(0)}'s dL/de over all <paramref name=\"steps\"/> at once, from the gate gradients its steps kept: dE = dGatesIh W_ih[embedding rows]^T,"
            : $"/// {side.Label(0)}'s dL/dx over all <paramref name=\"steps\"/> at once, from the gate gradients its steps kept: dX = dGatesIh W_ih^T,");
        w.Line("/// then each row, through the forward pass's dropout mask, into its token's embedding gradient.");
        w.Line("/// </summary>");
        using (w.Block($"private static void {BackwardName(side)}(ReadOnlySpan<float> p, Span<float> g, Span<float> a, ReadOnlySpan<int> tokens, int steps, in global::StaticSeq2Seq.TrainingPass pass)"))
        {
            w.Line($"Span<float> dInputs = a.Slice({side.Name}DInputs0Offset, steps * EmbeddingSize);");
            w.Line("dInputs.Clear();");
            w.Line($"DenseKernels.{StepsKernelEmitter.InputBackwardName(kernel)}({EmbeddingRows(shape, side, "p")}, a.Slice({side.Name}DGatesIh0Offset, steps * GateSize), dInputs, steps);");
            w.Line($"bool dropped = pass.DropoutRate({input.Stream}) != 0f;");
            using (w.Block($"for (int {side.Step} = 0; {side.Step} < steps; {side.Step}++)"))
            {
                w.Line($"Span<float> dEmbedding = {Slices.EmbeddingRow("g", side.Embedding, $"tokens[{tokens} + {side.Step}]")};");
                w.Line($"ReadOnlySpan<float> dInput = {Slices.Activation($"{side.Name}DInputs0", side.Step, "EmbeddingSize")};");
                using (w.Block("if (dropped)"))
                {
                    w.Line($"pass.AddDroppedGradient(dInput, dEmbedding, {input.Stream}, {side.Step});");
                }
                using (w.Block("else"))
                {
                    w.Line("TensorPrimitives.Add(dEmbedding, dInput, dEmbedding);");
                }
            }
        }
    }
}
