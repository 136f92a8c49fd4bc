using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>Emits the output projection with softmax cross-entropy, forward and backward side by side.</summary>
internal static class OutputEmitter
{
    public static void EmitForward(CodeWriter w, ModelPlan plan)
    {
        var kernel = new LinearKernelPlan(plan.Shape.HiddenSize, plan.Shape.TargetVocabularySize);
        var top = plan.Shape.Layers - 1;
        w.Line("/// <summary>");
        w.Line($"/// Output at decoder step i, forward: logits = W_out h + b_out from {AttentionEmitter.OutputInputName(plan.Shape)}; keeps");
        w.Line("/// p = softmax(logits) for the backward pass and returns −log p[target].");
        w.Line("/// </summary>");
        using (w.Block("private static float OutputForward(ReadOnlySpan<float> p, Span<float> a, int i, int target)"))
        {
            w.Line($"ReadOnlySpan<float> h = {AttentionEmitter.OutputInput(plan.Shape, "i")};");
            w.Line($"Span<float> probabilities = {Slices.Activation("Probabilities", "i", "TargetVocabularySize")};");
            w.Line($"DenseKernels.{kernel.ForwardName}({Slices.Parameter("OutputWeight")}, {Slices.Parameter("OutputBias")}, h, probabilities);");
            w.Line("// Shifting by the largest logit keeps exp from overflowing: −log p[target] = log Σ exp(l − m) − (l[target] − m).");
            w.Line("float max = TensorPrimitives.Max(probabilities);");
            w.Line("float targetLogit = probabilities[target];");
            w.Line("TensorPrimitives.Subtract(probabilities, max, probabilities);");
            w.Line("TensorPrimitives.Exp(probabilities, probabilities);");
            w.Line("float sum = TensorPrimitives.Sum(probabilities);");
            w.Line("TensorPrimitives.Divide(probabilities, sum, probabilities);");
            w.Line("return MathF.Log(sum) - (targetLogit - max);");
        }
    }

    /// <summary>
    /// The logits alone, for decoding: greedy decoding and step-wise decoding both read them from here, and
    /// <c>ComputeLogits</c> recomputes a kept step's with the same kernel.
    /// </summary>
    public static void EmitLogits(CodeWriter w, ModelPlan plan)
    {
        var kernel = new LinearKernelPlan(plan.Shape.HiddenSize, plan.Shape.TargetVocabularySize);
        w.Line("/// <inheritdoc/>");
        using (w.Block("public void ComputeLogits(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, int step, Span<float> logits)"))
        {
            w.Line($"global::StaticSeq2Seq.ModelInputGuard.CheckWorkspace(workspace, typeof({plan.TypeName}));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckLength(logits.Length, TargetVocabularySize, nameof(logits));");
            using (w.Block("if ((uint)step >= (uint)workspace.DecoderSteps)"))
            {
                w.Line("throw new ArgumentOutOfRangeException(nameof(step), step,");
                w.Line("    $\"Step {step} is not one of the {workspace.DecoderSteps} decoder steps (0..{workspace.DecoderSteps - 1}) of the last forward pass or greedy decode on this workspace.\");");
            }
            w.Line("DecoderLogits(parameterBuffer.Span, workspace.Floats, step, logits.Slice(0, TargetVocabularySize));");
        }
        w.Line();
        w.Line($"/// <summary>Logits of decoder step i, W_out h + b_out from {AttentionEmitter.OutputInputName(plan.Shape)}; no softmax, which keeps their order.</summary>");
        using (w.Block("private static void DecoderLogits(ReadOnlySpan<float> p, Span<float> a, int i, Span<float> logits)"))
        {
            w.Line($"DenseKernels.{kernel.ForwardName}({Slices.Parameter("OutputWeight")}, {Slices.Parameter("OutputBias")}, {AttentionEmitter.OutputInput(plan.Shape, "i")}, logits);");
        }
    }

    public static void EmitBackward(CodeWriter w, ModelPlan plan)
    {
        var kernel = new LinearKernelPlan(plan.Shape.HiddenSize, plan.Shape.TargetVocabularySize);
        var top = plan.Shape.Layers - 1;
        w.Line("/// <summary>");
        w.Line("/// Output at decoder step i, backward: dL/dlogits = lossScale (p − onehot(target)); adds the projection's");
        w.Line(AttentionEmitter.IsLuong(plan.Shape)
            ? "/// gradients into g and dL/dh~ into DAttentionalHidden."
            : $"/// gradients into g and dL/dh into the top layer's DHidden{top}.");
        w.Line("/// </summary>");
        using (w.Block("private static void OutputBackward(ReadOnlySpan<float> p, Span<float> g, Span<float> a, int i, int target, float lossScale)"))
        {
            w.Line($"ReadOnlySpan<float> h = {AttentionEmitter.OutputInput(plan.Shape, "i")};");
            w.Line($"ReadOnlySpan<float> probabilities = {Slices.Activation("Probabilities", "i", "TargetVocabularySize")};");
            w.Line($"Span<float> dLogits = {Slices.Scratch("DLogits", "TargetVocabularySize")};");
            w.Line("TensorPrimitives.Multiply(probabilities, lossScale, dLogits);");
            w.Line("dLogits[target] -= lossScale;");
            if (AttentionEmitter.IsLuong(plan.Shape))
            {
                w.Line($"{AttentionEmitter.OutputInputGradient(plan.Shape)}.Clear();");
            }
            w.Line($"DenseKernels.{kernel.BackwardName}({Slices.Parameter("OutputWeight")}, {Slices.Gradient("OutputWeight")}, {Slices.Gradient("OutputBias")}, h, dLogits, {AttentionEmitter.OutputInputGradient(plan.Shape)});");
        }
    }
}
