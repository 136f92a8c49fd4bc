using System.Linq;
using StaticSeq2Seq.Generators.Model;
using StaticSeq2Seq.Generators.Planning;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits attention, forward and backward side by side: the keys projected once per source, each kind's step,
/// the softmax and context they share, the decoder step that wraps them around the layer stack, and
/// <c>GetAttentionWeights</c>. The keys are the encoder's top-layer states k_j of the real source only: positions
/// past its length are never scored, which is all the masking there is.
/// </summary>
internal static class AttentionEmitter
{
    public static bool IsLuong(ModelShape shape) => shape.Attention is AttentionKind.LuongDot or AttentionKind.LuongGeneral;

    /// <summary>Whether the keys are a projection of the encoder's states, computed once per source.</summary>
    public static bool HasProjectedKeys(ModelShape shape) => shape.Attention is AttentionKind.Bahdanau or AttentionKind.LuongGeneral;

    /// <summary>The vector the output projection reads at decoder step <paramref name="step"/>: Luong's h~, otherwise the top layer's new state.</summary>
    public static string OutputInput(ModelShape shape, string step) => IsLuong(shape)
        ? Slices.Activation("AttentionalHidden", step, "HiddenSize")
        : Slices.Activation($"DecoderHidden{shape.Layers - 1}", $"({step} + 1)", "HiddenSize");

    /// <summary>What the output projection reads, in the words of its doc comment.</summary>
    public static string OutputInputName(ModelShape shape) => IsLuong(shape) ? "Luong's attentional state h~" : "the top layer's new state";

    /// <summary>Where the output projection's backward pass adds dL/d(its input).</summary>
    public static string OutputInputGradient(ModelShape shape) => IsLuong(shape)
        ? Slices.Scratch("DAttentionalHidden", "HiddenSize")
        : Slices.Scratch($"DHidden{shape.Layers - 1}", "HiddenSize");

    /// <summary>The source length argument the decoder step takes with attention, as <c>, name</c>, or nothing.</summary>
    public static string SourceLengthArgument(ModelShape shape, string sourceLength) => shape.HasAttention ? $", {sourceLength}" : "";

    /// <summary>The Attention file: everything attention adds to the model.</summary>
    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        var shape = plan.Shape;
        EmitGetAttentionWeights(w, plan);
        w.Line();
        if (HasProjectedKeys(shape))
        {
            EmitKeysForward(w, shape);
            w.Line();
            EmitKeysBackward(w, shape);
            w.Line();
        }
        if (shape.Attention == AttentionKind.Bahdanau)
        {
            EmitBahdanauForward(w, shape);
            w.Line();
            EmitBahdanauAttend(w, shape);
            w.Line();
            EmitBahdanauBackward(w, shape);
            w.Line();
            EmitContextGatesForward(w, shape);
            w.Line();
            EmitContextGatesBackward(w, shape);
        }
        else
        {
            EmitLuongForward(w, shape);
            w.Line();
            EmitLuongAttend(w, shape);
            w.Line();
            EmitLuongBackward(w, shape);
        }
        if (!shape.BidirectionalEncoder)
        {
            // A bidirectional encoder's backward pass adds dL/dk_t into both directions itself.
            w.Line();
            EmitAddKeyGradient(w, shape);
        }
        w.Line();
        EmitSoftmax(w);
        w.Line();
        EmitContextForward(w);
        w.Line();
        if (shape.Attention == AttentionKind.Bahdanau)
        {
            EmitContextGatesStepBackward(w);
        }
        else
        {
            EmitContextBackward(w);
        }
    }

    private static void EmitGetAttentionWeights(CodeWriter w, ModelPlan plan)
    {
        w.Line("/// <inheritdoc/>");
        using (w.Block("public ReadOnlySpan<float> GetAttentionWeights(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, int step)"))
        {
            w.Line($"global::StaticSeq2Seq.ModelInputGuard.CheckWorkspace(workspace, typeof({plan.TypeName}));");
            using (w.Block("if ((uint)step >= (uint)workspace.DecoderSteps)"))
            {
                w.Line("throw new ArgumentOutOfRangeException(nameof(step), step,");
                w.Line("    $\"Step {step} is not one of the {workspace.DecoderSteps} decoder steps (0..{workspace.DecoderSteps - 1}) of the last forward pass or greedy decode on this workspace.\");");
            }
            w.Line("return workspace.Floats.Slice(AttentionWeightsOffset + step * MaxSourceLength, workspace.SourceLength);");
        }
        w.Line();
        w.Line("/// <inheritdoc/>");
        using (w.Block("public ReadOnlySpan<float> GetStepAttentionWeights(global::StaticSeq2Seq.Seq2SeqWorkspace workspace)"))
        {
            w.Line($"global::StaticSeq2Seq.ModelInputGuard.CheckWorkspace(workspace, typeof({plan.TypeName}));");
            w.Line("// DecodeStep runs as decoder step 0 of the workspace, over the source BeginDecode encoded.");
            w.Line("return workspace.Floats.Slice(AttentionWeightsOffset, workspace.SourceLength);");
        }
    }

    private static void EmitKeysForward(CodeWriter w, ModelShape shape)
    {
        var bahdanau = shape.Attention == AttentionKind.Bahdanau;
        var kernel = KeyKernel(shape);
        w.Line(bahdanau
            ? "/// <summary>Bahdanau keys, once per source: key_j = U_a k_j + b_Ua for every real source position j, in one matrix-matrix product.</summary>"
            : "/// <summary>Luong general keys, once per source: key_j = W_a k_j for every real source position j, in one matrix-matrix product, so score_j = h · key_j.</summary>");
        using (w.Block("private static void AttentionKeysForward(ReadOnlySpan<float> p, Span<float> a, int sourceLength)"))
        {
            var weight = bahdanau ? $"{Slices.Parameter("AttentionUaWeight")}, {Slices.Parameter("AttentionUaBias")}" : Slices.Parameter("AttentionWaWeight");
            w.Line($"DenseKernels.{StepsKernelEmitter.ForwardName(kernel)}({weight}, {EncoderOutputs(shape)}, a.Slice(AttentionKeysOffset, sourceLength * HiddenSize), sourceLength);");
        }
    }

    private static void EmitKeysBackward(CodeWriter w, ModelShape shape)
    {
        var bahdanau = shape.Attention == AttentionKind.Bahdanau;
        var kernel = KeyKernel(shape);
        w.Line("/// <summary>");
        w.Line(bahdanau
            ? "/// Backward of <see cref=\"AttentionKeysForward\"/>, once per source: dU_a += Σ_j k_j dkey_j^T, db_Ua += Σ_j dkey_j, dL/dk_j += U_a^T dkey_j,"
            : "/// Backward of <see cref=\"AttentionKeysForward\"/>, once per source: dW_a += Σ_j k_j dkey_j^T, dL/dk_j += W_a^T dkey_j,");
        w.Line("/// with dkey_j (DAttentionKeys) summed over every decoder step: one pass over the weight gradient for all source positions.");
        w.Line("/// </summary>");
        using (w.Block($"private static void AttentionKeysBackward(ReadOnlySpan<float> p, Span<float> g{WeightGradientStageEmitter.Parameter(shape)}, Span<float> a, int sourceLength)"))
        {
            var weight = Slices.Parameter(bahdanau ? "AttentionUaWeight" : "AttentionWaWeight");
            w.Line("ReadOnlySpan<float> dKeys = a.Slice(DAttentionKeysOffset, sourceLength * HiddenSize);");
            w.Line(WeightGradientStageEmitter.Call(shape, "AttentionKeys", EncoderOutputs(shape), "dKeys", "sourceLength"));
            w.Line($"DenseKernels.{StepsKernelEmitter.InputBackwardName(kernel)}({weight}, dKeys, a.Slice(DEncoderOutputsOffset, sourceLength * HiddenSize), sourceLength);");
        }
    }

    /// <summary>The step's attention that runs forward in the decoder step (Bahdanau's or Luong's), multiplying by <paramref name="weights"/>.</summary>
    public static void EmitStepAttentionForward(CodeWriter w, ModelShape shape, WeightSource weights)
    {
        if (shape.Attention == AttentionKind.Bahdanau)
        {
            EmitBahdanauForward(w, shape, weights);
        }
        else
        {
            EmitLuongForward(w, shape, weights);
        }
    }

    private static void EmitBahdanauForward(CodeWriter w, ModelShape shape, WeightSource? weights = null)
    {
        weights ??= WeightSource.Float32;
        var top = shape.Layers - 1;
        var kernel = new LinearKernelPlan(shape.HiddenSize, shape.HiddenSize);
        w.Line("/// <summary>");
        w.Line("/// Bahdanau attention at decoder step i, forward, with q the top layer's state in slot i (its state before the step):");
        w.Line("///   score_j = V_a · tanh(W_a q + b_a + key_j) + b_Va,  a = softmax(score),  c = Σ_j a_j k_j,");
        w.Line("/// with key_j = U_a k_j + b_Ua from <see cref=\"AttentionKeysForward\"/>. Keeps W_a q + b_a and a for the backward pass");
        w.Line("/// and writes c into <paramref name=\"context\"/>.");
        w.Line("/// </summary>");
        using (w.Block($"private static void BahdanauForward({weights.Parameters}, Span<float> a, int i, int sourceLength, Span<float> context)"))
        {
            w.Line($"ReadOnlySpan<float> q = {Slices.Activation($"DecoderHidden{top}", "i", "HiddenSize")};");
            w.Line($"DenseKernels.{weights.Kernel(kernel)}({weights.Matrix("AttentionWaWeight")}, {Slices.Parameter("AttentionWaBias")}, q, {Slices.Activation("AttentionQueries", "i", "HiddenSize")});");
            w.Line("BahdanauAttend(p, a, i, sourceLength, context);");
        }
    }

    /// <summary>Bahdanau's step after its query's product: the scores, their softmax and the context.</summary>
    private static void EmitBahdanauAttend(CodeWriter w, ModelShape shape)
    {
        w.Line("/// <summary>Bahdanau attention at decoder step i from its query W_a q + b_a (row i of AttentionQueries): the scores, their softmax (kept) and the context, into <paramref name=\"context\"/>.</summary>");
        using (w.Block("private static void BahdanauAttend(ReadOnlySpan<float> p, Span<float> a, int i, int sourceLength, Span<float> context)"))
        {
            w.Line($"ReadOnlySpan<float> query = {Slices.Activation("AttentionQueries", "i", "HiddenSize")};");
            w.Line("ReadOnlySpan<float> keys = a.Slice(AttentionKeysOffset, sourceLength * HiddenSize);");
            w.Line($"ReadOnlySpan<float> va = {Slices.Parameter("AttentionVaWeight")};");
            w.Line("float vaBias = p[AttentionVaBiasOffset];");
            w.Line("Span<float> weights = a.Slice(AttentionWeightsOffset + i * MaxSourceLength, sourceLength);");
            using (w.Block("for (int j = 0; j < sourceLength; j++)"))
            {
                w.Line("// One pass over the query and key: the tanh values are not kept, the backward pass recomputes them.");
                w.Line("weights[j] = global::StaticSeq2Seq.Numerics.Activations.DotTanhOfSum(va, query, keys.Slice(j * HiddenSize, HiddenSize)) + vaBias;");
            }
            w.Line("AttentionSoftmax(weights);");
            w.Line($"AttentionContextForward(weights, {EncoderOutputs(shape)}, context);");
        }
    }

    private static void EmitBahdanauBackward(CodeWriter w, ModelShape shape)
    {
        var top = shape.Layers - 1;
        var kernel = new LinearKernelPlan(shape.HiddenSize, shape.HiddenSize);
        w.Line("/// <summary>");
        w.Line("/// Bahdanau attention at decoder step i, backward, from layer 0's gate gradient dg_i (row i of DecoderDGatesIh0), which the");
        w.Line("/// context reached through <see cref=\"ContextGatesForward\"/>'s rows: through the weights and softmax to ds_j = dL/dscore_j");
        w.Line("/// (<see cref=\"AttentionContextGatesBackward\"/>), then, with e_j = tanh(W_a q + b_a + key_j) recomputed,");
        w.Line("///   dV_a += ds_j e_j,  db_Va += ds_j,  dz_j = ds_j V_a ⊙ (1 − e_j²),");
        w.Line("/// where dz_j is the gradient of both key_j (added into DAttentionKeys, projected back once per source by");
        w.Line("/// <see cref=\"AttentionKeysBackward\"/>) and W_a q + b_a. Last, dL/dq += W_a^T dz with dz = Σ_j dz_j, into");
        w.Line($"/// DHidden{top}: q is the top layer's state in slot i, whose gradient DHidden{top} now holds. dz stays in row i of");
        w.Line($"/// DAttentionQueries for <see cref=\"{QueriesWeightBackward}\"/>.");
        w.Line("/// </summary>");
        using (w.Block("private static void BahdanauBackward(ReadOnlySpan<float> p, Span<float> g, Span<float> a, int i, int sourceLength)"))
        {
            w.Line("ReadOnlySpan<float> weights = a.Slice(AttentionWeightsOffset + i * MaxSourceLength, sourceLength);");
            w.Line("Span<float> dScores = a.Slice(DAttentionScoresOffset, sourceLength);");
            w.Line($"AttentionContextGatesBackward({Slices.Activation("DecoderDGatesIh0", "i", "GateSize")}, weights, a.Slice(ContextGatesOffset, sourceLength * GateSize), a.Slice(DContextGatesOffset, sourceLength * GateSize), dScores);");
            w.Line();
            w.Line($"ReadOnlySpan<float> q = {Slices.Activation($"DecoderHidden{top}", "i", "HiddenSize")};");
            w.Line($"ReadOnlySpan<float> query = {Slices.Activation("AttentionQueries", "i", "HiddenSize")};");
            w.Line("ReadOnlySpan<float> keys = a.Slice(AttentionKeysOffset, sourceLength * HiddenSize);");
            w.Line("Span<float> dKeys = a.Slice(DAttentionKeysOffset, sourceLength * HiddenSize);");
            w.Line($"ReadOnlySpan<float> va = {Slices.Parameter("AttentionVaWeight")};");
            w.Line($"Span<float> dVa = {Slices.Gradient("AttentionVaWeight")};");
            w.Line($"Span<float> e = {Slices.Scratch("AttentionScratch", "HiddenSize")};");
            w.Line($"Span<float> dQuery = {Slices.Activation("DAttentionQueries", "i", "HiddenSize")};");
            w.Line("dQuery.Clear();");
            using (w.Block("for (int j = 0; j < sourceLength; j++)"))
            {
                w.Line("float ds = dScores[j];");
                w.Line("global::StaticSeq2Seq.Numerics.Activations.TanhOfSum(query, keys.Slice(j * HiddenSize, HiddenSize), e);");
                w.Line("TensorPrimitives.MultiplyAdd(e, ds, dVa, dVa);");
                w.Line("g[AttentionVaBiasOffset] += ds;");
                w.Line("// dz_j = ds_j V_a ⊙ (1 − e_j²), in place of e_j.");
                using (w.Block("for (int k = 0; k < HiddenSize; k++)"))
                {
                    w.Line("e[k] = ds * va[k] * (1f - e[k] * e[k]);");
                }
                w.Line("TensorPrimitives.Add(dQuery, e, dQuery);");
                w.Line("Span<float> dKey = dKeys.Slice(j * HiddenSize, HiddenSize);");
                w.Line("TensorPrimitives.Add(dKey, e, dKey);");
            }
            w.Line("// The recurrence needs dL/dq now, which reads W_a only; W_a's gradient waits for all steps.");
            w.Line($"DenseKernels.{StepInputBackwardEmitter.Name(kernel)}({Slices.Parameter("AttentionWaWeight")}, dQuery, {Slices.Scratch($"DHidden{top}", "HiddenSize")}, descending: (i & 1) != 0);");
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// W_a's and b_a's gradients over all <paramref name=\"steps\"/> decoder steps at once, from the dz each step's");
        w.Line($"/// <see cref=\"BahdanauBackward\"/> kept: dW_a += Σ_i q_i dz_i^T and db_a += Σ_i dz_i, q_i the top layer's state in slot i.");
        w.Line("/// One pass over dW_a per sequence instead of a read-modify-write per step.");
        w.Line("/// </summary>");
        using (w.Block($"private static void {QueriesWeightBackward}(Span<float> g{WeightGradientStageEmitter.Parameter(shape)}, ReadOnlySpan<float> a, int steps)"))
        {
            w.Line(WeightGradientStageEmitter.Call(shape, "AttentionQueries", $"a.Slice(DecoderHidden{top}Offset, steps * HiddenSize)", "a.Slice(DAttentionQueriesOffset, steps * HiddenSize)", "steps"));
        }
    }

    private static void EmitContextGatesForward(CodeWriter w, ModelShape shape)
    {
        var kernel = ContextRowsKernel(shape);
        w.Line("/// <summary>");
        w.Line("/// Training, once per source: P_j = W_ctx k_j for every real source position j, W_ctx decoder layer 0's W_ih rows of the");
        w.Line("/// context, in one matrix-matrix product. Step i then adds W_ctx c_i = Σ_j a_ij P_j to its gates (ContextRowsRule).");
        w.Line("/// </summary>");
        using (w.Block("private static void ContextGatesForward(ReadOnlySpan<float> p, Span<float> a, int sourceLength)"))
        {
            w.Line($"DenseKernels.{StepsKernelEmitter.ForwardName(kernel)}({InputProductsEmitter.ContextRows("p")}, {EncoderOutputs(shape)}, a.Slice(ContextGatesOffset, sourceLength * GateSize), sourceLength);");
        }
    }

    private static void EmitContextGatesBackward(CodeWriter w, ModelShape shape)
    {
        var kernel = ContextRowsKernel(shape);
        w.Line("/// <summary>");
        w.Line("/// Backward of <see cref=\"ContextGatesForward\"/>, once per source, with dP_j (DContextGates) gathered over every decoder");
        w.Line("/// step: dW_ctx += Σ_j k_j dP_j^T and dL/dk_j += W_ctx^T dP_j.");
        w.Line("/// </summary>");
        using (w.Block($"private static void ContextGatesBackward(ReadOnlySpan<float> p, Span<float> g{WeightGradientStageEmitter.Parameter(shape)}, Span<float> a, int sourceLength)"))
        {
            w.Line("ReadOnlySpan<float> dContextGates = a.Slice(DContextGatesOffset, sourceLength * GateSize);");
            w.Line(WeightGradientStageEmitter.Call(shape, "ContextRows", EncoderOutputs(shape), "dContextGates", "sourceLength"));
            w.Line($"DenseKernels.{StepsKernelEmitter.InputBackwardName(kernel)}({InputProductsEmitter.ContextRows("p")}, dContextGates, a.Slice(DEncoderOutputsOffset, sourceLength * HiddenSize), sourceLength);");
        }
    }

    private static void EmitContextGatesStepBackward(CodeWriter w)
    {
        w.Line("/// <summary>");
        w.Line("/// Step i's context and softmax, backward, from the gate gradient dg the context reached through Σ_j a_j P_j:");
        w.Line("///   dL/da_j = dg · P_j,  dP_j += a_j dg,  dL/ds_j = a_j (dL/da_j − Σ_l a_l dL/da_l).");
        w.Line("/// Writes dL/ds into <paramref name=\"dScores\"/> and adds dP into <paramref name=\"dContextGates\"/>.");
        w.Line("/// </summary>");
        using (w.Block("private static void AttentionContextGatesBackward(ReadOnlySpan<float> dGates, ReadOnlySpan<float> weights, ReadOnlySpan<float> contextGates, Span<float> dContextGates, Span<float> dScores)"))
        {
            using (w.Block("for (int j = 0; j < weights.Length; j++)"))
            {
                w.Line("dScores[j] = TensorPrimitives.Dot(dGates, contextGates.Slice(j * GateSize, GateSize));");
                w.Line("Span<float> dRow = dContextGates.Slice(j * GateSize, GateSize);");
                w.Line("TensorPrimitives.MultiplyAdd(dGates, weights[j], dRow, dRow);");
            }
            EmitSoftmaxBackward(w);
        }
    }

    /// <summary>The Bahdanau query projection's weight gradient over all decoder steps, which the training backward calls after the decoder's steps.</summary>
    public const string QueriesWeightBackward = "AttentionQueriesWeightBackward";

    private static void EmitLuongForward(CodeWriter w, ModelShape shape, WeightSource? weights = null)
    {
        weights ??= WeightSource.Float32;
        var general = shape.Attention == AttentionKind.LuongGeneral;
        var kernel = new LinearKernelPlan(2 * shape.HiddenSize, shape.HiddenSize);
        w.Line("/// <summary>");
        w.Line($"/// Luong attention ({(general ? "general" : "dot")}) at decoder step i, forward, after the step, with h the top layer's new state (slot i + 1):");
        w.Line(general
            ? "///   score_j = h · key_j (key_j = W_a k_j from <see cref=\"AttentionKeysForward\"/>),  a = softmax(score),  c = Σ_j a_j k_j,"
            : "///   score_j = h · k_j,  a = softmax(score),  c = Σ_j a_j k_j,");
        w.Line("///   h~ = tanh(W_c [c ; h] + b_c).");
        w.Line("/// Keeps a, [c ; h] and h~; the output projection reads h~ in place of h.");
        w.Line("/// </summary>");
        using (w.Block($"private static void LuongForward({weights.Parameters}, Span<float> a, int i, int sourceLength)"))
        {
            w.Line("LuongAttend(a, i, sourceLength);");
            w.Line($"Span<float> attentional = {Slices.Activation("AttentionalHidden", "i", "HiddenSize")};");
            w.Line($"DenseKernels.{weights.Kernel(kernel)}({weights.Matrix("AttentionWcWeight")}, {Slices.Parameter("AttentionWcBias")}, {Slices.Activation("AttentionCombined", "i", "2 * HiddenSize")}, attentional);");
            w.Line("global::StaticSeq2Seq.Numerics.Activations.Tanh(attentional, attentional);");
        }
    }

    /// <summary>Luong's step before its W_c product: the scores, their softmax and [c ; h].</summary>
    private static void EmitLuongAttend(CodeWriter w, ModelShape shape)
    {
        var top = shape.Layers - 1;
        var general = shape.Attention == AttentionKind.LuongGeneral;
        w.Line("/// <summary>Luong attention at decoder step i up to W_c: the scores of the top layer's new state, their softmax (kept) and [c ; h] (row i of AttentionCombined).</summary>");
        using (w.Block("private static void LuongAttend(Span<float> a, int i, int sourceLength)"))
        {
            w.Line($"ReadOnlySpan<float> h = {Slices.Activation($"DecoderHidden{top}", "(i + 1)", "HiddenSize")};");
            w.Line($"ReadOnlySpan<float> encoderOutputs = {EncoderOutputs(shape)};");
            var keys = "encoderOutputs";
            if (general)
            {
                w.Line("ReadOnlySpan<float> keys = a.Slice(AttentionKeysOffset, sourceLength * HiddenSize);");
                keys = "keys";
            }
            w.Line("Span<float> weights = a.Slice(AttentionWeightsOffset + i * MaxSourceLength, sourceLength);");
            using (w.Block("for (int j = 0; j < sourceLength; j++)"))
            {
                w.Line($"weights[j] = TensorPrimitives.Dot(h, {keys}.Slice(j * HiddenSize, HiddenSize));");
            }
            w.Line("AttentionSoftmax(weights);");
            w.Line($"Span<float> combined = {Slices.Activation("AttentionCombined", "i", "2 * HiddenSize")};");
            w.Line("AttentionContextForward(weights, encoderOutputs, combined.Slice(0, HiddenSize));");
            w.Line("h.CopyTo(combined.Slice(HiddenSize, HiddenSize));");
        }
    }

    private static void EmitLuongBackward(CodeWriter w, ModelShape shape)
    {
        var top = shape.Layers - 1;
        var general = shape.Attention == AttentionKind.LuongGeneral;
        var kernel = new LinearKernelPlan(2 * shape.HiddenSize, shape.HiddenSize);
        w.Line("/// <summary>");
        w.Line("/// Luong attention at decoder step i, backward, from dL/dh~ (DAttentionalHidden, left there by OutputBackward):");
        w.Line("///   dpre = dh~ ⊙ (1 − h~²),  dW_c += [c ; h] dpre^T,  db_c += dpre,  d[c ; h] = W_c^T dpre;");
        w.Line("/// the h half joins dL/dh, the c half goes back through the context and softmax to ds_j = dL/dscore_j, and then");
        w.Line(general
            ? "///   dL/dh += Σ_j ds_j key_j,  dkey_j += ds_j h (into DAttentionKeys, projected back once per source)."
            : "///   dL/dh += Σ_j ds_j k_j,  dL/dk_j += ds_j h.");
        w.Line($"/// dL/dh is DHidden{top}, the gradient of the top layer's new state, before the step's own backward pass reads it.");
        w.Line("/// </summary>");
        using (w.Block("private static void LuongBackward(ReadOnlySpan<float> p, Span<float> g, Span<float> a, int i, int sourceLength)"))
        {
            w.Line($"ReadOnlySpan<float> h = {Slices.Activation($"DecoderHidden{top}", "(i + 1)", "HiddenSize")};");
            w.Line($"ReadOnlySpan<float> encoderOutputs = {EncoderOutputs(shape)};");
            w.Line("ReadOnlySpan<float> weights = a.Slice(AttentionWeightsOffset + i * MaxSourceLength, sourceLength);");
            w.Line($"ReadOnlySpan<float> combined = {Slices.Activation("AttentionCombined", "i", "2 * HiddenSize")};");
            w.Line($"ReadOnlySpan<float> attentional = {Slices.Activation("AttentionalHidden", "i", "HiddenSize")};");
            w.Line($"Span<float> dAttentional = {Slices.Scratch("DAttentionalHidden", "HiddenSize")};");
            w.Line($"Span<float> dh = {Slices.Scratch($"DHidden{top}", "HiddenSize")};");
            w.Line("// h~ = tanh(pre): dL/dpre = dL/dh~ ⊙ (1 − h~²), in place.");
            using (w.Block("for (int k = 0; k < HiddenSize; k++)"))
            {
                w.Line("dAttentional[k] *= 1f - attentional[k] * attentional[k];");
            }
            w.Line($"Span<float> dCombined = {Slices.Scratch("DAttentionCombined", "2 * HiddenSize")};");
            w.Line("dCombined.Clear();");
            w.Line($"DenseKernels.{kernel.BackwardName}({Slices.Parameter("AttentionWcWeight")}, {Slices.Gradient("AttentionWcWeight")}, {Slices.Gradient("AttentionWcBias")}, combined, dAttentional, dCombined);");
            w.Line("TensorPrimitives.Add(dh, dCombined.Slice(HiddenSize, HiddenSize), dh);");
            w.Line("Span<float> dEncoderOutputs = a.Slice(DEncoderOutputsOffset, sourceLength * HiddenSize);");
            w.Line("Span<float> dScores = a.Slice(DAttentionScoresOffset, sourceLength);");
            w.Line("AttentionContextBackward(dCombined.Slice(0, HiddenSize), weights, encoderOutputs, dEncoderOutputs, dScores);");
            string keys = "encoderOutputs", dKeys = "dEncoderOutputs";
            if (general)
            {
                w.Line("ReadOnlySpan<float> keys = a.Slice(AttentionKeysOffset, sourceLength * HiddenSize);");
                w.Line("Span<float> dKeys = a.Slice(DAttentionKeysOffset, sourceLength * HiddenSize);");
                keys = "keys";
                dKeys = "dKeys";
            }
            w.Line(general ? "// score_j = h · key_j." : "// score_j = h · k_j.");
            using (w.Block("for (int j = 0; j < sourceLength; j++)"))
            {
                w.Line($"TensorPrimitives.MultiplyAdd({keys}.Slice(j * HiddenSize, HiddenSize), dScores[j], dh, dh);");
                w.Line($"Span<float> dKey = {dKeys}.Slice(j * HiddenSize, HiddenSize);");
                w.Line("TensorPrimitives.MultiplyAdd(h, dScores[j], dKey, dKey);");
            }
        }
    }

    private static void EmitAddKeyGradient(CodeWriter w, ModelShape shape)
    {
        var top = shape.Layers - 1;
        w.Line($"/// <summary>Encoder step t backward, before the layers: the top layer's state h_(t+1) was also the key k_t, so dL/dk_t (DEncoderOutputs) joins its carry DHidden{top}.</summary>");
        using (w.Block("private static void AddKeyGradient(Span<float> a, int t)"))
        {
            w.Line($"Span<float> dh = {Slices.Scratch($"DHidden{top}", "HiddenSize")};");
            w.Line($"TensorPrimitives.Add(dh, {Slices.Activation("DEncoderOutputs", "t", "HiddenSize")}, dh);");
        }
    }

    private static void EmitSoftmax(CodeWriter w)
    {
        w.Line("/// <summary>Softmax over the real source positions, in place: a_j = exp(s_j − m) / Σ_l exp(s_l − m), with m = max_l s_l so exp cannot overflow.</summary>");
        using (w.Block("private static void AttentionSoftmax(Span<float> scores)"))
        {
            w.Line("float max = TensorPrimitives.Max(scores);");
            w.Line("TensorPrimitives.Subtract(scores, max, scores);");
            w.Line("TensorPrimitives.Exp(scores, scores);");
            w.Line("TensorPrimitives.Divide(scores, TensorPrimitives.Sum(scores), scores);");
        }
    }

    private static void EmitContextForward(CodeWriter w)
    {
        w.Line("/// <summary>Context, forward: c = Σ_j a_j k_j over the real source positions (k_j is row j of <paramref name=\"encoderOutputs\"/>).</summary>");
        using (w.Block("private static void AttentionContextForward(ReadOnlySpan<float> weights, ReadOnlySpan<float> encoderOutputs, Span<float> context)"))
        {
            w.Line("context.Clear();");
            using (w.Block("for (int j = 0; j < weights.Length; j++)"))
            {
                w.Line("TensorPrimitives.MultiplyAdd(encoderOutputs.Slice(j * HiddenSize, HiddenSize), weights[j], context, context);");
            }
        }
    }

    private static void EmitContextBackward(CodeWriter w)
    {
        w.Line("/// <summary>");
        w.Line("/// Context and softmax, backward. With c = Σ_j a_j k_j and a = softmax(s):");
        w.Line("///   dL/da_j = dc · k_j,  dL/dk_j += a_j dc,  dL/ds_j = a_j (dL/da_j − Σ_l a_l dL/da_l).");
        w.Line("/// Writes dL/ds into <paramref name=\"dScores\"/> and adds dL/dk into <paramref name=\"dEncoderOutputs\"/>.");
        w.Line("/// </summary>");
        using (w.Block("private static void AttentionContextBackward(ReadOnlySpan<float> dContext, ReadOnlySpan<float> weights, ReadOnlySpan<float> encoderOutputs, Span<float> dEncoderOutputs, Span<float> dScores)"))
        {
            using (w.Block("for (int j = 0; j < weights.Length; j++)"))
            {
                w.Line("dScores[j] = TensorPrimitives.Dot(dContext, encoderOutputs.Slice(j * HiddenSize, HiddenSize));");
                w.Line("Span<float> dKey = dEncoderOutputs.Slice(j * HiddenSize, HiddenSize);");
                w.Line("TensorPrimitives.MultiplyAdd(dContext, weights[j], dKey, dKey);");
            }
            EmitSoftmaxBackward(w);
        }
    }

    /// <summary>dL/da in dScores, turned into dL/ds through the softmax, in place.</summary>
    private static void EmitSoftmaxBackward(CodeWriter w)
    {
        w.Line("float expected = TensorPrimitives.Dot(weights, dScores);");
        w.Line("TensorPrimitives.Subtract(dScores, expected, dScores);");
        w.Line("TensorPrimitives.Multiply(dScores, weights, dScores);");
    }

    /// <summary>
    /// The decoder step with attention, replacing the plain stack step. With <paramref name="fromInputProducts"/> (the
    /// teacher-forced pass), layer 0 reads the input product its embedding already has (<see cref="InputProductsEmitter"/>).
    /// </summary>
    public static void EmitDecoderStepForward(CodeWriter w, ModelShape shape, WeightSource weights, bool fromInputProducts = false)
    {
        var layers = shape.Layers;
        var bahdanau = shape.Attention == AttentionKind.Bahdanau;
        var through = layers > 1 ? $" through all {layers} layers" : "";
        var layer0 = fromInputProducts ? $"; layer 0's embedding product is <see cref=\"{InputProductsEmitter.ForwardName(LayerEmitter.Side.Decoder)}\"/>'s" : "";
        w.Line(bahdanau
            ? $"/// <summary>Decoder step i{through}, Bahdanau attention first: layer 0 reads [embedding ; context], the context attending from the top layer's state before the step{layer0}.</summary>"
            : $"/// <summary>Decoder step i{through}, then Luong attention from the top layer's new state: the output reads h~{layer0}.</summary>");
        var signature = fromInputProducts
            ? $"private static void DecoderStepForwardFromInputProducts({weights.Parameters}, Span<float> a, int i, int sourceLength, in global::StaticSeq2Seq.TrainingPass pass)"
            : $"private static void DecoderStepForward({weights.Parameters}, Span<float> a, int token, int i, int sourceLength, in global::StaticSeq2Seq.TrainingPass pass)";
        using (w.Block(signature))
        {
            if (bahdanau)
            {
                w.Line("Span<float> x = a.Slice(DecoderLayer0InputOffset + i * DecoderInputSize, DecoderInputSize);");
                if (fromInputProducts)
                {
                    w.Line("// BahdanauForward writes the context into the step's input row, but layer 0 adds it through ContextGates' rows.");
                }
                else if (weights == WeightSource.Float32)
                {
                    // The float step is also training's free-running step.
                    w.Line("// The dropped embedding stays in its row of DecoderDroppedEmbeddings too, where W_ih's embedding rows take their gradient.");
                    w.Line($"Span<float> embedding = {Slices.Activation(InputProductsEmitter.Inputs(LayerEmitter.Side.Decoder), "i", "EmbeddingSize")};");
                    w.Line($"{Slices.EmbeddingRow("p", "TargetEmbedding", "token")}.CopyTo(embedding);");
                    w.Line($"pass.DropInPlace(embedding, {DropoutEmitter.DecoderEmbeddingStream}, i);");
                    w.Line("embedding.CopyTo(x);");
                }
                else
                {
                    w.Line($"{Slices.EmbeddingRow("p", "TargetEmbedding", "token")}.CopyTo(x);");
                    w.Line($"pass.DropInPlace(x.Slice(0, EmbeddingSize), {DropoutEmitter.DecoderEmbeddingStream}, i);");
                }
                w.Line($"BahdanauForward({weights.Arguments}, a, i, sourceLength, x.Slice(EmbeddingSize, HiddenSize));");
            }
            for (var layer = 0; layer < layers; layer++)
            {
                if (layer == 0 && fromInputProducts)
                {
                    w.Line($"{InputProductsEmitter.LayerForwardName(LayerEmitter.Side.Decoder)}({weights.Arguments}, a, {(bahdanau ? "sourceLength, " : "")}i);");
                    continue;
                }
                var x = layer == 0 && bahdanau ? "x" : LayerEmitter.StackInput(LayerEmitter.Side.Decoder, layer).Drawn;
                w.Line($"DecoderLayer{layer}Forward({weights.Arguments}, a, {x}, i);");
            }
            if (IsLuong(shape))
            {
                w.Line($"LuongForward({weights.Arguments}, a, i, sourceLength);");
            }
        }
    }

    /// <summary>
    /// The decoder step with attention, backward. Layer 0's dL/de of every step waits for all steps
    /// (<see cref="InputProductsEmitter"/>); Bahdanau's layer 0 gate gradient goes to the attention's backward now.
    /// </summary>
    public static void EmitDecoderStepBackward(CodeWriter w, ModelShape shape)
    {
        var bahdanau = shape.Attention == AttentionKind.Bahdanau;
        w.Line(bahdanau
            ? "/// <summary>Decoder step i backward, top layer first, then layer 0's gate gradient into the attention's backward (dL/de waits for all steps).</summary>"
            : "/// <summary>Decoder step i backward: Luong attention first (it came last), then the layers, top first, each upper layer's dL/dx through its dropout mask (layer 0's waits for all steps).</summary>");
        using (w.Block("private static void DecoderStepBackward(ReadOnlySpan<float> p, Span<float> g, Span<float> a, int i, int sourceLength, in global::StaticSeq2Seq.TrainingPass pass)"))
        {
            if (!bahdanau)
            {
                w.Line("LuongBackward(p, g, a, i, sourceLength);");
            }
            LayerEmitter.EmitUpperLayersBackward(w, shape, LayerEmitter.Side.Decoder);
            if (bahdanau)
            {
                w.Line("DecoderLayer0Backward(p, a, i);");
                w.Line("BahdanauBackward(p, g, a, i, sourceLength);");
            }
            else
            {
                w.Line("DecoderLayer0Backward(p, a, i);");
            }
        }
    }

    private static LinearKernelPlan ContextRowsKernel(ModelShape shape) => ContextRowsRule.Kernels(shape).Single();

    private static LinearKernelPlan KeyKernel(ModelShape shape) =>
        new(shape.HiddenSize, shape.HiddenSize, HasBias: shape.Attention == AttentionKind.Bahdanau);

    /// <summary>
    /// The encoder's outputs k_1..k_T, one row per real source position: the top layer's states h_1..h_T, or, bidirectional,
    /// the sums forward_j + reverse_j kept in EncoderOutputs.
    /// </summary>
    private static string EncoderOutputs(ModelShape shape) => shape.BidirectionalEncoder
        ? "a.Slice(EncoderOutputsOffset, sourceLength * HiddenSize)"
        : $"a.Slice(EncoderHidden{shape.Layers - 1}Offset + HiddenSize, sourceLength * HiddenSize)";
}
