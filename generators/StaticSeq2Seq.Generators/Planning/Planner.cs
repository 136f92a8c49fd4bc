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

        var output = new LinearKernelPlan(shape.HiddenSize, shape.TargetVocabularySize);
        var kernels = new List<LinearKernelPlan>
        {
            new(shape.EmbeddingSize, shape.GateSize),
            new(shape.HiddenSize, shape.GateSize),
        };
        if (shape.BidirectionalEncoder && shape.Layers > 1)
        {
            // Encoder layers above the first read [forward ; reverse].
            kernels.Add(new(2 * shape.HiddenSize, shape.GateSize));
        }
        switch (shape.Attention)
        {
            case AttentionKind.Bahdanau:
                // The decoder's first layer reads [embedding ; context]; W_a and U_a are (H, H) with biases.
                kernels.Add(new(shape.DecoderInputSize, shape.GateSize));
                kernels.Add(new(shape.HiddenSize, shape.HiddenSize));
                break;
            case AttentionKind.LuongGeneral:
                kernels.Add(new(shape.HiddenSize, shape.HiddenSize, HasBias: false));
                kernels.Add(new(2 * shape.HiddenSize, shape.HiddenSize));
                break;
            case AttentionKind.LuongDot:
                kernels.Add(new(2 * shape.HiddenSize, shape.HiddenSize));
                break;
        }
        // The output projection runs step by step forward only (decoding, free-running training); its backward runs
        // over all steps at once, so it needs a per-step backward only when a recurrent layer shares its size.
        LinearKernelPlan[] forwardOnly = kernels.Contains(output) ? [] : [output];
        kernels.Add(output);
        var linearKernels = kernels.Distinct().ToEquatableArray();

        return new ModelPlan(spec.Namespace, spec.ClassName, spec.Keyword, shape, tensors.ToEquatableArray(), parameterCount,
            buffers, workspaceFloats, tokenBuffers, workspaceTokens, linearKernels, forwardOnly.ToEquatableArray(), new[] { output }.ToEquatableArray(),
            DecoderInputTableRule.Applies(shape));
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
