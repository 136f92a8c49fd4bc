using System.Collections.Generic;
using System.Linq;
using StaticSeq2Seq.Generators.Helpers;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Planning;

/// <summary>Places a validated shape's tensors and buffers and lists the kernels its layers need.</summary>
internal static class Planner
{
    public static ModelPlan Plan(ModelSpec spec, ModelShape shape)
    {
        var tensors = new List<TensorPlan>();
        var offset = 0;
        foreach (var entry in TensorCatalog.For(shape))
        {
            offset = (int)TensorCatalog.AlignUp(offset);
            tensors.Add(new TensorPlan(entry.Name, entry.Identifier, offset, entry.Rows, entry.Columns, entry.Transposed,
                entry.NormalInit, entry.InitBound, entry.Description));
            offset += (int)entry.Length;
        }
        var parameterCount = (int)TensorCatalog.AlignUp(offset);

        var (buffers, workspaceFloats) = Place(WorkspaceCatalog.Floats(shape), align: true);
        var (tokenBuffers, workspaceTokens) = Place(WorkspaceCatalog.Tokens(shape), align: false);
        var (stagedBuffers, stagedFloats) = Place(WeightGradientStageRule.Floats(shape), align: true);

        var output = new LinearKernelPlan(shape.HiddenSize, shape.TargetVocabularySize);
        // The recurrent layers' per-step backward reads their weights only (dL/dx and dL/dh); their weight gradients
        // gather over all steps afterwards, so their sizes get the all-steps backward kernels.
        var recurrent = new List<LinearKernelPlan>
        {
            new(shape.EmbeddingSize, shape.GateSize),
            new(shape.HiddenSize, shape.GateSize),
        };
        if (shape.Layers > 1)
        {
            // Encoder layers above the first read [forward ; reverse] when bidirectional.
            recurrent.Add(new(shape.EncoderUpperInputSize, shape.GateSize));
        }
        // Bahdanau's decoder layer 0 (below) is the exception: its embedding rows gather with the (E, G) kernel, its context
        // rows over the source positions (ContextRowsRule).
        var recurrentWeights = recurrent.ToList();
        if (shape.Attention == AttentionKind.Bahdanau)
        {
            // The decoder's first layer reads [embedding ; context].
            recurrent.Add(new(shape.DecoderInputSize, shape.GateSize));
        }
        // Attention's per-step products: Bahdanau's W_a q, forward only (its backward takes dL/dq through the one-step
        // kernel and gathers dW_a over all steps), and Luong's W_c [c ; h], forward and backward. The projected keys
        // (Bahdanau's U_a, Luong general's W_a) depend on the source alone: all source positions in one product each way.
        var query = new List<LinearKernelPlan>();
        var attention = new List<LinearKernelPlan>();
        var keys = new List<LinearKernelPlan>();
        switch (shape.Attention)
        {
            case AttentionKind.Bahdanau:
                // W_a and U_a are (H, H) with biases.
                query.Add(new(shape.HiddenSize, shape.HiddenSize));
                keys.Add(new(shape.HiddenSize, shape.HiddenSize));
                break;
            case AttentionKind.LuongGeneral:
                keys.Add(new(shape.HiddenSize, shape.HiddenSize, HasBias: false));
                attention.Add(new(2 * shape.HiddenSize, shape.HiddenSize));
                break;
            case AttentionKind.LuongDot:
                attention.Add(new(2 * shape.HiddenSize, shape.HiddenSize));
                break;
        }
        // Layer 0's input side over all steps at once (InputProductsRule) needs the (E, G) size's all-steps kernels. Its
        // per-step forward stays wherever a step still computes the product (a bidirectional encoder; the decoder's
        // free-running passes and decoding, unless Bahdanau's layer 0 reads [embedding ; context]). The per-step input
        // gradient serves each layer's W_hh and the layers above the first, and layer 0's W_ih only in a bidirectional
        // encoder: the decoder's and a one-way encoder's go over all steps, and Bahdanau's context rows are (H, G), W_hh's size.
        var embedding = recurrent[0];
        var hidden = recurrent[1];
        var encoderAllSteps = InputProductsRule.AppliesToEncoder(shape);
        var decoderReadsEmbedding = shape.Attention != AttentionKind.Bahdanau;
        var others = recurrent.Skip(1).ToList();
        var perStepForward = !encoderAllSteps || decoderReadsEmbedding ? recurrent : others;
        var perStepBackward = new List<LinearKernelPlan>();
        if (!encoderAllSteps)
        {
            perStepBackward.Add(embedding);
        }
        perStepBackward.Add(hidden);
        if (shape.Layers > 1)
        {
            perStepBackward.Add(new(shape.EncoderUpperInputSize, shape.GateSize));
        }
        var linearKernels = perStepForward.Concat(query).Concat(attention).Append(output).Distinct().ToEquatableArray();
        // Only Luong's W_c calls a per-step backward: the output projection's, the recurrent layers' and the keys' run over all steps.
        var forwardOnly = linearKernels.Where(kernel => !attention.Contains(kernel)).ToEquatableArray();
        var stepsKernels = new[] { output, embedding }.Concat(keys).Concat(ContextRowsRule.Kernels(shape)).Distinct().ToEquatableArray();
        // Bahdanau's W_a gathers its gradient over all decoder steps too, each step taking dL/dq only.
        var stepsBackward = recurrentWeights.Concat(query).Distinct().Where(kernel => !stepsKernels.Contains(kernel)).ToEquatableArray();

        // Decoding a beam from the float parameters multiplies every hypothesis's rows at once: each decoder layer's W_hh and
        // W_ih (layer 0's reads the embedding, or Bahdanau's [embedding ; context]) and the attention's W_a or W_c.
        var beamRows = new List<LinearKernelPlan> { hidden, shape.Attention == AttentionKind.Bahdanau ? new(shape.DecoderInputSize, shape.GateSize) : embedding };
        beamRows.AddRange(query);
        beamRows.AddRange(attention);
        var stepsForward = (shape.DecodesFromCopy ? [] : beamRows).Distinct().Where(kernel => !stepsKernels.Contains(kernel)).ToEquatableArray();

        var decoderInputTable = DecoderInputTableRule.Applies(shape);
        return new ModelPlan(spec.Namespace, spec.ClassName, spec.Keyword, shape, tensors.ToEquatableArray(), parameterCount,
            buffers, workspaceFloats, tokenBuffers, workspaceTokens, linearKernels, forwardOnly, stepsKernels,
            stepsBackward, stepsForward, perStepBackward.Concat(query).Distinct().ToEquatableArray(), decoderInputTable, DecodeWeightsRule.Tensors(shape, decoderInputTable).ToEquatableArray(),
            DecodeWeightsRule.Kernels(shape, decoderInputTable).ToEquatableArray(), stagedBuffers, stagedFloats);
    }

    private static (EquatableArray<BufferPlan> Buffers, int Length) Place(IReadOnlyList<WorkspaceCatalog.Entry> entries, bool align)
    {
        var buffers = new List<BufferPlan>();
        var offset = 0;
        foreach (var entry in entries)
        {
            if (align)
            {
                offset = (int)TensorCatalog.AlignUp(offset);
            }
            buffers.Add(new BufferPlan(entry.Identifier, offset, (int)entry.Length, entry.Description));
            offset += (int)entry.Length;
        }
        return (buffers.ToEquatableArray(), align ? (int)TensorCatalog.AlignUp(offset) : offset);
    }
}
