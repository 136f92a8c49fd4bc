using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the step-wise decoder (<c>IStepDecoder</c>) that beam search runs on: the encoder pass that yields the
/// initial state, and decoder steps from caller-held states, one hypothesis or several. A step borrows the decoder's
/// slots of the workspace, so it reuses exactly the layer code that training and greedy decoding run.
/// </summary>
internal static class StepDecodeEmitter
{
    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        var layers = plan.Shape.Layers;
        var lstm = plan.Shape.Cell == CellKind.Lstm;
        w.Line(lstm
            ? "/// <summary>Floats of one hypothesis's decoder state: every layer's h, then every layer's c.</summary>"
            : "/// <summary>Floats of one hypothesis's decoder state: every layer's h.</summary>");
        w.Line($"public const int DecoderStateFloats = {(lstm ? "2 * " : "")}Layers * HiddenSize;");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line("public int DecoderStateSize => DecoderStateFloats;");
        w.Line();
        w.Line("/// <inheritdoc/>");
        using (w.Block("public void BeginDecode(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, Span<float> initialState)"))
        {
            w.Line($"global::StaticSeq2Seq.ModelInputGuard.CheckWorkspace(workspace, typeof({plan.TypeName}));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckSequence(source, MaxSourceLength, SourceVocabularySize, nameof(source));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckLength(initialState.Length, DecoderStateFloats, nameof(initialState));");
            w.Line("ReadOnlySpan<float> p = parameterBuffer.Span;");
            if (Planning.DecodeWeightsRule.EncoderFromCopy(plan.Shape))
            {
                DecodeWeightsEmitter.EmitWeightsLocal(w, plan);
            }
            w.Line("Span<float> a = workspace.Floats;");
            w.Line("workspace.HoldsForwardPass = false;");
            w.Line(EncoderInputTableEmitter.EncodeCall(plan));
            if (plan.Shape.HasAttention)
            {
                w.Line("workspace.SourceLength = source.Length; // what DecodeStep's attention reads");
            }
            w.Line(plan.Shape.HasAttention
                ? "workspace.DecoderSteps = 0; // the steps of the last Forward or DecodeGreedy are overwritten: GetAttentionWeights and ComputeLogits have none to give"
                : "workspace.DecoderSteps = 0; // the steps of the last Forward or DecodeGreedy are overwritten: ComputeLogits has none to give");
            w.Line("// The encoder left the decoder's initial state in slot 0 of each layer.");
            EmitStateCopies(w, layers, lstm, fromSlot: null, toState: "initialState");
        }
        w.Line();
        w.Line("/// <inheritdoc/>");
        using (w.Block("public void DecodeStep(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, ReadOnlySpan<float> state, int token, Span<float> nextState, Span<float> logits)"))
        {
            w.Line($"global::StaticSeq2Seq.ModelInputGuard.CheckWorkspace(workspace, typeof({plan.TypeName}));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckLength(state.Length, DecoderStateFloats, nameof(state));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckLength(nextState.Length, DecoderStateFloats, nameof(nextState));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckLength(logits.Length, TargetVocabularySize, nameof(logits));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckToken(token, TargetVocabularySize, nameof(token));");
            w.Line("ReadOnlySpan<float> p = parameterBuffer.Span;");
            DecoderInputTableEmitter.EmitTableLocal(w, plan);
            DecodeWeightsEmitter.EmitWeightsLocal(w, plan);
            w.Line("Span<float> a = workspace.Floats;");
            w.Line("workspace.HoldsForwardPass = false;");
            w.Line("// The hypothesis's state goes into slot 0 of each layer; the step writes slot 1.");
            for (var layer = 0; layer < layers; layer++)
            {
                w.Line($"state.Slice({layer} * HiddenSize, HiddenSize).CopyTo({Slices.Scratch($"DecoderHidden{layer}", "HiddenSize")});");
            }
            if (lstm)
            {
                for (var layer = 0; layer < layers; layer++)
                {
                    w.Line($"state.Slice(({layers} + {layer}) * HiddenSize, HiddenSize).CopyTo({Slices.Scratch($"DecoderCell{layer}", "HiddenSize")});");
                }
            }
            w.Line(DecoderInputTableEmitter.StepCall(plan, "0", "workspace.SourceLength"));
            EmitStateCopies(w, layers, lstm, fromSlot: "HiddenSize", toState: "nextState");
            w.Line($"DecoderLogits({WeightSource.ForDecoding(plan).Arguments}, a, 0, logits.Slice(0, TargetVocabularySize));");
        }
        w.Line();
        EmitDecodeSteps(w, plan);
        if (!plan.Shape.DecodesFromCopy)
        {
            w.Line();
            DecoderStepsEmitter.Emit(w, plan);
            w.Line();
            OutputEmitter.EmitDecoderLogitsOfSteps(w, plan);
        }
    }

    /// <summary>
    /// Several hypotheses' steps in one call, run as the workspace's decoder steps 0..n-1 (hypothesis k reads slot k and
    /// writes slot k + 1). The steps leave the outputs in the rows the training pass's output projection reads, and one
    /// product over those rows gives every hypothesis's logits.
    /// </summary>
    private static void EmitDecodeSteps(CodeWriter w, ModelPlan plan)
    {
        var shape = plan.Shape;
        var weights = WeightSource.ForDecoding(plan);
        w.Line("/// <summary>Hypotheses one call of <see cref=\"DecodeSteps\"/> runs together: as many as the workspace has decoder steps.</summary>");
        w.Line("private const int HypothesesPerPass = MaxTargetLength + 1;");
        w.Line();
        w.Line("/// <inheritdoc/>");
        using (w.Block("public void DecodeSteps(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, ReadOnlySpan<float> states, ReadOnlySpan<int> tokens, Span<float> nextStates, Span<float> logits, Span<float> attentionWeights)"))
        {
            w.Line($"global::StaticSeq2Seq.ModelInputGuard.CheckWorkspace(workspace, typeof({plan.TypeName}));");
            w.Line("int count = tokens.Length;");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckRows(states.Length, count, DecoderStateFloats, nameof(states));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckRows(nextStates.Length, count, DecoderStateFloats, nameof(nextStates));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckRows(logits.Length, count, TargetVocabularySize, nameof(logits));");
            if (shape.HasAttention)
            {
                using (w.Block("if (!attentionWeights.IsEmpty)"))
                {
                    w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckRows(attentionWeights.Length, count, MaxSourceLength, nameof(attentionWeights));");
                }
            }
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckTokens(tokens, TargetVocabularySize, nameof(tokens));");
            w.Line("ReadOnlySpan<float> p = parameterBuffer.Span;");
            DecoderInputTableEmitter.EmitTableLocal(w, plan);
            DecodeWeightsEmitter.EmitWeightsLocal(w, plan);
            w.Line("Span<float> a = workspace.Floats;");
            w.Line("workspace.HoldsForwardPass = false;");
            using (w.Block("for (int first = 0; first < count; first += HypothesesPerPass)"))
            {
                w.Line("int n = Math.Min(HypothesesPerPass, count - first);");
                if (shape.DecodesFromCopy)
                {
                    EmitOneAtATime(w, plan, weights);
                }
                else
                {
                    EmitRows(w, plan);
                }
            }
        }
    }

    /// <summary>From the float parameters: the hypotheses' states into slots 0..n-1, then every product over all n rows at once.</summary>
    private static void EmitRows(CodeWriter w, ModelPlan plan)
    {
        var shape = plan.Shape;
        var lstm = shape.Cell == CellKind.Lstm;
        using (w.Block("for (int k = 0; k < n; k++)"))
        {
            EmitStateIn(w, shape.Layers, lstm);
        }
        w.Line(DecoderStepsEmitter.Call(plan));
        using (w.Block("for (int k = 0; k < n; k++)"))
        {
            w.Line("Span<float> nextState = nextStates.Slice((first + k) * DecoderStateFloats, DecoderStateFloats);");
            EmitStateCopies(w, shape.Layers, lstm, fromSlot: "(k + 1) * HiddenSize", toState: "nextState");
            EmitAttentionWeightsOut(w, shape);
        }
        w.Line("DecoderLogitsOfSteps(p, a, n, logits.Slice(first * TargetVocabularySize, n * TargetVocabularySize));");
    }

    /// <summary>
    /// From a narrowed copy, whose kernels take one row: hypothesis k reads slot k and writes slot k + 1, the input slot of
    /// hypothesis k + 1, so they run last first and each has read its input before the one below overwrites it.
    /// </summary>
    private static void EmitOneAtATime(CodeWriter w, ModelPlan plan, WeightSource weights)
    {
        var shape = plan.Shape;
        var lstm = shape.Cell == CellKind.Lstm;
        w.Line("// Last first: hypothesis k's state goes into slot k of each layer and its step writes slot k + 1, which the");
        w.Line("// hypothesis above has already read.");
        using (w.Block("for (int k = n - 1; k >= 0; k--)"))
        {
            w.Line("int token = tokens[first + k];");
            EmitStateIn(w, shape.Layers, lstm);
            w.Line(DecoderInputTableEmitter.StepCall(plan, "k", "workspace.SourceLength"));
            w.Line("Span<float> nextState = nextStates.Slice((first + k) * DecoderStateFloats, DecoderStateFloats);");
            EmitStateCopies(w, shape.Layers, lstm, fromSlot: "(k + 1) * HiddenSize", toState: "nextState");
            EmitAttentionWeightsOut(w, shape);
        }
        using (w.Block("for (int k = 0; k < n; k++)"))
        {
            w.Line($"DecoderLogits({weights.Arguments}, a, k, logits.Slice((first + k) * TargetVocabularySize, TargetVocabularySize));");
        }
    }

    /// <summary>Hypothesis first + k's state into slot k of each layer.</summary>
    private static void EmitStateIn(CodeWriter w, int layers, bool lstm)
    {
        w.Line("ReadOnlySpan<float> state = states.Slice((first + k) * DecoderStateFloats, DecoderStateFloats);");
        for (var layer = 0; layer < layers; layer++)
        {
            w.Line($"state.Slice({layer} * HiddenSize, HiddenSize).CopyTo({Slices.Activation($"DecoderHidden{layer}", "k", "HiddenSize")});");
        }
        if (lstm)
        {
            for (var layer = 0; layer < layers; layer++)
            {
                w.Line($"state.Slice(({layers} + {layer}) * HiddenSize, HiddenSize).CopyTo({Slices.Activation($"DecoderCell{layer}", "k", "HiddenSize")});");
            }
        }
    }

    private static void EmitAttentionWeightsOut(CodeWriter w, ModelShape shape)
    {
        if (shape.HasAttention)
        {
            using (w.Block("if (!attentionWeights.IsEmpty)"))
            {
                w.Line("a.Slice(AttentionWeightsOffset + k * MaxSourceLength, workspace.SourceLength).CopyTo(attentionWeights.Slice((first + k) * MaxSourceLength, workspace.SourceLength));");
            }
        }
    }

    private static void EmitStateCopies(CodeWriter w, int layers, bool lstm, string? fromSlot, string toState)
    {
        var offset = fromSlot is null ? "" : $" + {fromSlot}";
        for (var layer = 0; layer < layers; layer++)
        {
            w.Line($"a.Slice(DecoderHidden{layer}Offset{offset}, HiddenSize).CopyTo({toState}.Slice({layer} * HiddenSize, HiddenSize));");
        }
        if (lstm)
        {
            for (var layer = 0; layer < layers; layer++)
            {
                w.Line($"a.Slice(DecoderCell{layer}Offset{offset}, HiddenSize).CopyTo({toState}.Slice(({layers} + {layer}) * HiddenSize, HiddenSize));");
            }
        }
    }
}
