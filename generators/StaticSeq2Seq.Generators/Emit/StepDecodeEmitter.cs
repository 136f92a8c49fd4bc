using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the step-wise decoder (<c>IStepDecoder</c>) that beam search runs on: the encoder pass that yields the
/// initial state, and one decoder step from a caller-held state. A step borrows the decoder's slots 0 and 1 of the
/// workspace, so it reuses exactly the layer code that training and greedy decoding run.
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
            w.Line("Span<float> a = workspace.Floats;");
            w.Line("workspace.HoldsForwardPass = false;");
            w.Line($"EncodeSource(p, a, workspace.Tokens, source, {DropoutEmitter.NoDropout});");
            if (plan.Shape.HasAttention)
            {
                w.Line("workspace.SourceLength = source.Length; // what DecodeStep's attention reads");
            }
            w.Line(plan.Shape.HasAttention
                ? "workspace.DecoderSteps = 0; // the steps of the last Forward or DecodeGreedy are overwritten: GetAttentionWeights and ComputeLogits have none to give"
                : "workspace.DecoderSteps = 0; // the steps of the last Forward or DecodeGreedy are overwritten: ComputeLogits has none to give");
            w.Line("// EncodeSource left the decoder's initial state in slot 0 of each layer.");
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
