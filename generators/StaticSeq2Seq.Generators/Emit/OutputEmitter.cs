using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>Emits the output projection with softmax cross-entropy, forward and backward side by side.</summary>
internal static class OutputEmitter
{
    public static void EmitForward(CodeWriter w, ModelPlan plan)
    {
        var kernel = new LinearKernelPlan(plan.Shape.HiddenSize, plan.Shape.TargetVocabularySize);
        w.Line("/// <summary>");
        w.Line($"/// Output at decoder step i, forward: logits = W_out h + b_out from {AttentionEmitter.OutputInputName(plan.Shape)}; keeps");
        w.Line("/// p = softmax(logits) for the backward pass and returns −log p[target]. For a free-running pass, whose next input");
        w.Line("/// is this step's argmax.");
        w.Line("/// </summary>");
        using (w.Block("private static float OutputForward(ReadOnlySpan<float> p, Span<float> a, int i, int target)"))
        {
            w.Line($"ReadOnlySpan<float> h = {AttentionEmitter.OutputInput(plan.Shape, "i")};");
            w.Line($"Span<float> probabilities = {Slices.Activation("Probabilities", "i", "TargetVocabularySize")};");
            w.Line($"DenseKernels.{kernel.ForwardName}({Slices.Parameter("OutputWeight")}, {Slices.Parameter("OutputBias")}, h, probabilities);");
            w.Line("return SoftmaxLoss(probabilities, target);");
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Output of every decoder step at once, forward, for a teacher-forced pass (no step's input depends on an earlier step's");
        w.Line("/// logits, so the projection can wait until the recurrence is done): one matrix-matrix product reads W_out once for all");
        w.Line("/// steps where step by step it would stream it from memory once per step. Returns the summed loss, in step order.");
        w.Line("/// </summary>");
        using (w.Block("private static float OutputsForward(ReadOnlySpan<float> p, Span<float> a, int steps, ReadOnlySpan<int> targets)"))
        {
            w.Line($"DenseKernels.{StepsKernelEmitter.ForwardName(kernel)}({Slices.Parameter("OutputWeight")}, {Slices.Parameter("OutputBias")}, {OutputInputs(plan.Shape)}, a.Slice(ProbabilitiesOffset, steps * TargetVocabularySize), steps);");
            w.Line("float loss = 0f;");
            using (w.Block("for (int i = 0; i < steps; i++)"))
            {
                w.Line($"loss += SoftmaxLoss({Slices.Activation("Probabilities", "i", "TargetVocabularySize")}, targets[i]);");
            }
            w.Line("return loss;");
        }
        w.Line();
        w.Line("/// <summary>Turns one step's logits into p = softmax(logits) in place and returns −log p[target].</summary>");
        using (w.Block("private static float SoftmaxLoss(Span<float> probabilities, int target)"))
        {
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
        EmitDecoderLogits(w, plan, WeightSource.Float32);
    }

    /// <summary>The logits of one decoder step, multiplying by <paramref name="weights"/>.</summary>
    public static void EmitDecoderLogits(CodeWriter w, ModelPlan plan, WeightSource weights)
    {
        var kernel = new LinearKernelPlan(plan.Shape.HiddenSize, plan.Shape.TargetVocabularySize);
        w.Line($"/// <summary>Logits of decoder step i, W_out h + b_out from {AttentionEmitter.OutputInputName(plan.Shape)}; no softmax, which keeps their order.</summary>");
        using (w.Block($"private static void DecoderLogits({weights.Parameters}, Span<float> a, int i, Span<float> logits)"))
        {
            w.Line($"DenseKernels.{weights.Kernel(kernel)}({weights.Matrix("OutputWeight")}, {Slices.Parameter("OutputBias")}, {AttentionEmitter.OutputInput(plan.Shape, "i")}, logits);");
        }
    }

    /// <summary>
    /// The logits of several decoder steps at once, for step-wise decoding of several hypotheses from the float
    /// parameters: one matrix-matrix product reads W_out once for all of them.
    /// </summary>
    public static void EmitDecoderLogitsOfSteps(CodeWriter w, ModelPlan plan)
    {
        var kernel = new LinearKernelPlan(plan.Shape.HiddenSize, plan.Shape.TargetVocabularySize);
        w.Line($"/// <summary>Logits of decoder steps 0..steps-1, one row each, from {AttentionEmitter.OutputInputName(plan.Shape)}: each row the same fused multiply-adds as <see cref=\"DecoderLogits\"/>'s, W_out read once for all.</summary>");
        using (w.Block("private static void DecoderLogitsOfSteps(ReadOnlySpan<float> p, Span<float> a, int steps, Span<float> logits)"))
        {
            w.Line($"DenseKernels.{StepsKernelEmitter.ForwardName(kernel)}({Slices.Parameter("OutputWeight")}, {Slices.Parameter("OutputBias")}, {OutputInputs(plan.Shape)}, logits, steps);");
        }
    }

    public static void EmitBackward(CodeWriter w, ModelPlan plan)
    {
        var kernel = new LinearKernelPlan(plan.Shape.HiddenSize, plan.Shape.TargetVocabularySize);
        w.Line("/// <summary>");
        w.Line("/// Output of every decoder step at once, backward: dL/dlogits_i = lossScale (p_i − onehot(target_i)); adds the projection's");
        w.Line("/// gradients into g and writes dL/d(its input) of every step into DOutputInputs. It needs nothing from the recurrent");
        w.Line("/// backward pass, so it runs before it: dW_out gathers all steps in one pass, where step by step it would be read and");
        w.Line("/// written once per step.");
        w.Line("/// </summary>");
        using (w.Block($"private static void OutputsBackward(ReadOnlySpan<float> p, Span<float> g{WeightGradientStageEmitter.Parameter(plan.Shape)}, Span<float> a, int steps, ReadOnlySpan<int> targets, float lossScale)"))
        {
            w.Line("Span<float> dLogits = a.Slice(DLogitsOffset, steps * TargetVocabularySize);");
            w.Line("TensorPrimitives.Multiply(a.Slice(ProbabilitiesOffset, steps * TargetVocabularySize), lossScale, dLogits);");
            using (w.Block("for (int i = 0; i < steps; i++)"))
            {
                w.Line("dLogits[i * TargetVocabularySize + targets[i]] -= lossScale;");
            }
            w.Line(WeightGradientStageEmitter.Call(plan.Shape, "Output", OutputInputs(plan.Shape), "dLogits", "steps"));
            w.Line("Span<float> dInputs = a.Slice(DOutputInputsOffset, steps * HiddenSize);");
            w.Line("dInputs.Clear();");
            w.Line($"DenseKernels.{StepsKernelEmitter.InputBackwardName(kernel)}({Slices.Parameter("OutputWeight")}, dLogits, dInputs, steps);");
        }
    }

    /// <summary>The output projection's inputs of every step, one row each: Luong's h~, otherwise the top layer's new states.</summary>
    private static string OutputInputs(ModelShape shape) => AttentionEmitter.IsLuong(shape)
        ? "a.Slice(AttentionalHiddenOffset, steps * HiddenSize)"
        : $"a.Slice(DecoderHidden{shape.Layers - 1}Offset + HiddenSize, steps * HiddenSize)";
}
