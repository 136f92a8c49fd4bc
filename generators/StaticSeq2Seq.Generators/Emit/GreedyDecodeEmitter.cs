using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits greedy decoding: the most likely token at each step, chosen by argmax over the logits; and, for a model that
/// has one, the decoder's per-token input table that greedy and step-wise decoding read.
/// </summary>
internal static class GreedyDecodeEmitter
{
    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        w.Line("/// <inheritdoc/>");
        using (w.Block("public int DecodeGreedy(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, Span<int> output)"))
        {
            w.Line($"global::StaticSeq2Seq.ModelInputGuard.CheckWorkspace(workspace, typeof({plan.TypeName}));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckSequence(source, MaxSourceLength, SourceVocabularySize, nameof(source));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckLength(output.Length, MaxTargetLength, nameof(output));");
            w.Line("ReadOnlySpan<float> p = parameterBuffer.Span;");
            DecoderInputTableEmitter.EmitTableLocal(w, plan);
            DecodeWeightsEmitter.EmitWeightsLocal(w, plan);
            w.Line("Span<float> a = workspace.Floats;");
            w.Line("workspace.HoldsForwardPass = false;");
            w.Line(EncoderInputTableEmitter.EncodeCall(plan));
            w.Line("// Softmax preserves order, so the argmax of the logits is the most likely token.");
            w.Line($"Span<float> logits = {Slices.Scratch("Probabilities", "TargetVocabularySize")};");
            w.Line("int token = global::StaticSeq2Seq.SpecialTokens.Sos;");
            w.Line("int count = 0;");
            using (w.Block("for (int i = 0; i < MaxTargetLength; i++)"))
            {
                w.Line(DecoderInputTableEmitter.StepCall(plan, "i", "source.Length"));
                w.Line($"DecoderLogits({WeightSource.ForDecoding(plan).Arguments}, a, i, logits);");
                w.Line("token = global::StaticSeq2Seq.Numerics.Argmax.IndexOfMax(logits);");
                using (w.Block("if (token == global::StaticSeq2Seq.SpecialTokens.Eos)"))
                {
                    w.Line("break;");
                }
                w.Line("output[count++] = token;");
            }
            w.Line(plan.Shape.HasAttention
                ? "// GetAttentionWeights and ComputeLogits read these: one step per token written, and one more for EOS if it came."
                : "// ComputeLogits reads these: one step per token written, and one more for EOS if it came.");
            w.Line("workspace.SourceLength = source.Length;");
            w.Line("workspace.DecoderSteps = Math.Min(count + 1, MaxTargetLength);");
            w.Line("return count;");
        }
        w.Line();
        OutputEmitter.EmitLogits(w, plan);
        if (plan.DecoderInputTable)
        {
            w.Line();
            DecoderInputTableEmitter.Emit(w, plan);
        }
        EncoderInputTableEmitter.Emit(w, plan);
    }
}
