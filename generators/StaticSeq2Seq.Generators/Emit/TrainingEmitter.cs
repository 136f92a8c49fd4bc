using StaticSeq2Seq.Generators.Model;
using StaticSeq2Seq.Generators.Planning;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the teacher-forced loss and its backpropagation through time: the public <c>Forward</c> and
/// <c>Backward</c>, and the encoder pass both they and greedy decoding start from.
/// </summary>
internal static class TrainingEmitter
{
    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        EmitEncodeSource(w, plan, WeightSource.Float32);
        w.Line();
        EmitForward(w, plan);
        w.Line();
        EmitBackward(w, plan);
        if (WeightGradientStageRule.Applies(plan.Shape))
        {
            WeightGradientStageEmitter.EmitSites(w, plan);
        }
    }

    /// <summary>
    /// The encoder pass over a source; with <paramref name="weights"/> other than the float parameters, the decoding
    /// overload whose steps read the recurrent matrices from the copy (<c>DecodeWeightsRule.EncoderFromCopy</c>).
    /// With <paramref name="fromInputTable"/>, <c>EncodeSourceFromTable</c>, decoding's pass that copies layer 0's input
    /// products from the encoder's input table (<c>EncoderInputTableEmitter</c>).
    /// </summary>
    public static void EmitEncodeSource(CodeWriter w, ModelPlan plan, WeightSource weights, bool fromInputTable = false)
    {
        var layers = plan.Shape.Layers;
        var lstm = plan.Shape.Cell == CellKind.Lstm;
        var handed = (plan.Shape.BidirectionalEncoder, lstm) switch
        {
            (true, true) => "the sum of both directions' final (h, c) of each layer",
            (true, false) => "the sum of both directions' final states of each layer",
            (false, true) => "each layer's final (h, c)",
            _ => "each layer's final state",
        };
        var fromCopy = weights != WeightSource.Float32 ? ", its steps multiplying by the decoding copy," : "";
        w.Line($"/// <summary>Runs the encoder over <paramref name=\"source\"/>{fromCopy} and hands {handed} to the decoder's slot 0.</summary>");
        var (name, table) = fromInputTable ? ("EncodeSourceFromTable", "ReadOnlySpan<float> encoderInputTable, ") : ("EncodeSource", "");
        using (w.Block($"private static void {name}({weights.Parameters}, {table}Span<float> a, Span<int> tokens, ReadOnlySpan<int> source, in global::StaticSeq2Seq.TrainingPass pass)"))
        {
            if (plan.Shape.BidirectionalEncoder)
            {
                w.Line("EncoderForward(p, a, tokens, source, pass);");
                EmitKeysForward(w, plan);
                return;
            }
            w.Line(lstm ? "// Every encoder layer starts from zero h and c." : "// Every encoder layer starts from a zero state.");
            for (var layer = 0; layer < layers; layer++)
            {
                w.Line($"{Slices.Scratch($"EncoderHidden{layer}", "HiddenSize")}.Clear();");
                if (lstm)
                {
                    w.Line($"{Slices.Scratch($"EncoderCell{layer}", "HiddenSize")}.Clear();");
                }
            }
            if (fromInputTable)
            {
                EncoderInputTableEmitter.EmitInputProductsFromTable(w, plan.Shape);
            }
            else
            {
                w.Line("// Layer 0's inputs are known before the recurrence: its input products for every position in one product.");
                w.Line($"{InputProductsEmitter.ForwardName(LayerEmitter.Side.Encoder)}(p, a, source, pass);");
            }
            using (w.Block("for (int t = 0; t < source.Length; t++)"))
            {
                w.Line("tokens[SourceTokensOffset + t] = source[t];");
                w.Line($"EncoderStepForward({weights.Arguments}, a, source[t], t, pass);");
            }
            EmitKeysForward(w, plan);
            w.Line(lstm
                ? "// The decoder starts from the encoder's final (h, c), layer by layer, as torch.nn.LSTM takes the state tuple."
                : "// The decoder starts from the encoder's final state, layer by layer.");
            for (var layer = 0; layer < layers; layer++)
            {
                w.Line($"{Slices.Activation($"EncoderHidden{layer}", "source.Length", "HiddenSize")}.CopyTo({Slices.Scratch($"DecoderHidden{layer}", "HiddenSize")});");
                if (lstm)
                {
                    w.Line($"{Slices.Activation($"EncoderCell{layer}", "source.Length", "HiddenSize")}.CopyTo({Slices.Scratch($"DecoderCell{layer}", "HiddenSize")});");
                }
            }
        }
    }

    private static void EmitKeysForward(CodeWriter w, ModelPlan plan)
    {
        if (AttentionEmitter.HasProjectedKeys(plan.Shape))
        {
            w.Line("// The attention's keys depend on the source alone: project them once, not at every decoder step.");
            w.Line("AttentionKeysForward(p, a, source.Length);");
        }
    }

    private static void EmitForward(CodeWriter w, ModelPlan plan)
    {
        w.Line("/// <inheritdoc/>");
        w.Line("public float Forward(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, ReadOnlySpan<int> target) =>");
        w.Line($"    ForwardPass(workspace, source, target, {DropoutEmitter.NoDropout}, teacherForced: true);");
        w.Line();
        w.Line("/// <inheritdoc/>");
        using (w.Block("public float Forward(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, ReadOnlySpan<int> target, in global::StaticSeq2Seq.TrainingPass pass)"))
        {
            w.Line("pass.Validate();");
            w.Line("// Every draw of this pass comes from its own seed, so pairs may run on any thread in any order.");
            w.Line("var random = new global::StaticSeq2Seq.SeededRandom(pass.Seed);");
            w.Line("return ForwardPass(workspace, source, target, pass, pass.DrawTeacherForcing(ref random));");
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The loss over the target and EOS, keeping what Backward needs. Teacher-forced, the decoder reads SOS then the target;");
        w.Line("/// free running, it reads SOS then its own argmax of each step, for as many steps. Either way the inputs are recorded,");
        w.Line("/// and Backward follows them: no gradient flows through the argmax. The pass's dropout masks are kept for Backward too.");
        w.Line("/// </summary>");
        using (w.Block("private float ForwardPass(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, ReadOnlySpan<int> target, in global::StaticSeq2Seq.TrainingPass pass, bool teacherForced)"))
        {
            w.Line($"global::StaticSeq2Seq.ModelInputGuard.CheckWorkspace(workspace, typeof({plan.TypeName}));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckSequence(source, MaxSourceLength, SourceVocabularySize, nameof(source));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckSequence(target, MaxTargetLength, TargetVocabularySize, nameof(target));");
            w.Line("ReadOnlySpan<float> p = parameterBuffer.Span;");
            w.Line("Span<float> a = workspace.Floats;");
            w.Line("Span<int> tokens = workspace.Tokens;");
            w.Line("EncodeSource(p, a, tokens, source, pass);");
            if (ContextRowsRule.Applies(plan.Shape))
            {
                w.Line("// Layer 0's context rows times each encoder output, once per source: each step's gates add their weighted sum.");
                w.Line("ContextGatesForward(p, a, source.Length);");
            }
            w.Line();
            w.Line("int steps = target.Length + 1;");
            w.Line("Span<int> inputs = tokens.Slice(DecoderInputsOffset, steps);");
            w.Line("Span<int> targets = tokens.Slice(DecoderTargetsOffset, steps);");
            w.Line("inputs[0] = global::StaticSeq2Seq.SpecialTokens.Sos;");
            w.Line("target.CopyTo(inputs.Slice(1));");
            w.Line("target.CopyTo(targets);");
            w.Line("targets[steps - 1] = global::StaticSeq2Seq.SpecialTokens.Eos;");
            w.Line("float loss = 0f;");
            using (w.Block("if (teacherForced)"))
            {
                w.Line("// The inputs are known: layer 0's input products from the embeddings of every step in one product, then the");
                w.Line("// recurrence, then every step's output projection in one matrix-matrix product.");
                w.Line($"{InputProductsEmitter.ForwardName(LayerEmitter.Side.Decoder)}(p, a, inputs, pass);");
                using (w.Block("for (int i = 0; i < steps; i++)"))
                {
                    w.Line($"DecoderStepForwardFromInputProducts(p, a, i{AttentionEmitter.SourceLengthArgument(plan.Shape, "source.Length")}, pass);");
                }
                w.Line("loss = OutputsForward(p, a, steps, targets);");
            }
            using (w.Block("else"))
            {
                w.Line("// Each next input is this step's prediction, so each step's logits are needed before the next step runs.");
                using (w.Block("for (int i = 0; i < steps; i++)"))
                {
                    w.Line($"DecoderStepForward(p, a, inputs[i], i{AttentionEmitter.SourceLengthArgument(plan.Shape, "source.Length")}, pass);");
                    w.Line("loss += OutputForward(p, a, i, targets[i]);");
                    using (w.Block("if (i + 1 < steps)"))
                    {
                        w.Line("// Softmax keeps the logits' order: the most probable token is their argmax.");
                        w.Line("inputs[i + 1] = global::StaticSeq2Seq.Numerics.Argmax.IndexOfMax(a.Slice(ProbabilitiesOffset + i * TargetVocabularySize, TargetVocabularySize));");
                    }
                }
            }
            w.Line("workspace.SourceLength = source.Length;");
            w.Line("workspace.DecoderSteps = steps;");
            w.Line("workspace.Pass = pass;");
            w.Line("workspace.HoldsForwardPass = true;");
            w.Line("return loss;");
        }
    }

    private static void EmitBackward(CodeWriter w, ModelPlan plan)
    {
        w.Line("/// <inheritdoc/>");
        var header = "public void Backward(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, Span<float> gradients, float lossScale)";
        if (WeightGradientStageRule.Applies(plan.Shape))
        {
            w.Line($"{header} => BackwardPass(workspace, gradients, lossScale, null);");
            WeightGradientStageEmitter.EmitPublicMembers(w, plan);
            w.Line();
            w.Line("/// <summary>The backward pass, adding every gradient into <paramref name=\"gradients\"/>, or with a <paramref name=\"stage\"/> keeping the rows of the weight gradients over all steps there.</summary>");
            header = $"private void BackwardPass(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, Span<float> gradients, float lossScale{WeightGradientStageEmitter.Parameter(plan.Shape)})";
        }
        var stage = WeightGradientStageEmitter.Argument(plan.Shape);
        using (w.Block(header))
        {
            w.Line($"global::StaticSeq2Seq.ModelInputGuard.CheckWorkspace(workspace, typeof({plan.TypeName}));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckForwardPass(workspace);");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckLength(gradients.Length, ParameterCount, nameof(gradients));");
            w.Line("ReadOnlySpan<float> p = parameterBuffer.Span;");
            w.Line("Span<float> g = gradients;");
            w.Line("Span<float> a = workspace.Floats;");
            w.Line("ReadOnlySpan<int> tokens = workspace.Tokens;");
            w.Line("// The forward pass's dropout masks, drawn again from its seed.");
            w.Line("var pass = workspace.Pass;");
            var lstm = plan.Shape.Cell == CellKind.Lstm;
            w.Line("// Nothing flows back from after the last step.");
            for (var layer = 0; layer < plan.Shape.Layers; layer++)
            {
                w.Line($"{Slices.Scratch($"DHidden{layer}", "HiddenSize")}.Clear();");
                if (lstm)
                {
                    w.Line($"{Slices.Scratch($"DCell{layer}", "HiddenSize")}.Clear();");
                }
            }
            var shape = plan.Shape;
            if (shape.HasAttention)
            {
                w.Line("// The attention's gradients with respect to the encoder's states (and projected keys) gather over every decoder step.");
                w.Line("a.Slice(DEncoderOutputsOffset, workspace.SourceLength * HiddenSize).Clear();");
                if (AttentionEmitter.HasProjectedKeys(shape))
                {
                    w.Line("a.Slice(DAttentionKeysOffset, workspace.SourceLength * HiddenSize).Clear();");
                }
                if (ContextRowsRule.Applies(shape))
                {
                    w.Line("a.Slice(DContextGatesOffset, workspace.SourceLength * GateSize).Clear();");
                }
            }
            w.Line("// The recorded inputs fix every step's output, so the output projection's backward runs for all steps first.");
            w.Line($"OutputsBackward(p, g{stage}, a, workspace.DecoderSteps, tokens.Slice(DecoderTargetsOffset, workspace.DecoderSteps), lossScale);");
            using (w.Block("for (int i = workspace.DecoderSteps - 1; i >= 0; i--)"))
            {
                w.Line(AttentionEmitter.IsLuong(shape)
                    ? $"{Slices.Activation("DOutputInputs", "i", "HiddenSize")}.CopyTo({AttentionEmitter.OutputInputGradient(shape)});"
                    : $"TensorPrimitives.Add({AttentionEmitter.OutputInputGradient(shape)}, {Slices.Activation("DOutputInputs", "i", "HiddenSize")}, {AttentionEmitter.OutputInputGradient(shape)});");
                w.Line($"DecoderStepBackward(p, g, a, i{AttentionEmitter.SourceLengthArgument(shape, "workspace.SourceLength")}, pass);");
            }
            w.Line("// Every step kept its gate gradients: each layer's weight gradients gather over all of them at once.");
            w.Line($"DecoderWeightsBackward(p, g{stage}, a, tokens, workspace.DecoderSteps, pass);");
            if (shape.Attention == AttentionKind.Bahdanau)
            {
                w.Line($"{AttentionEmitter.QueriesWeightBackward}(g{stage}, a, workspace.DecoderSteps);");
            }
            if (AttentionEmitter.HasProjectedKeys(shape))
            {
                w.Line($"AttentionKeysBackward(p, g{stage}, a, workspace.SourceLength);");
            }
            if (ContextRowsRule.Applies(shape))
            {
                w.Line($"ContextGatesBackward(p, g{stage}, a, workspace.SourceLength);");
            }
            if (shape.BidirectionalEncoder)
            {
                w.Line(lstm
                    ? "// DHidden and DCell now hold dL/dh and dL/dc of the decoder's initial state of each layer."
                    : "// DHidden now holds dL/dh of the decoder's initial state of each layer.");
                w.Line("EncoderBackward(p, g, a, tokens, workspace.SourceLength, pass);");
                w.Line($"EncoderWeightsBackward(p, g{stage}, a, tokens, workspace.SourceLength, pass);");
                return;
            }
            w.Line(lstm
                ? "// The decoder started from the encoder's final (h, c), so DHidden and DCell now hold dL/dh_T and dL/dc_T of each encoder layer."
                : "// The decoder started from the encoder's final states, so DHidden now holds dL/dh_T of each encoder layer.");
            using (w.Block("for (int t = workspace.SourceLength - 1; t >= 0; t--)"))
            {
                if (shape.HasAttention)
                {
                    w.Line("AddKeyGradient(a, t);");
                }
                w.Line("EncoderStepBackward(p, g, a, t, pass);");
            }
            w.Line($"EncoderWeightsBackward(p, g{stage}, a, tokens, workspace.SourceLength, pass);");
        }
    }
}
