using System.Collections.Generic;
using System.Linq;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Planning;

/// <summary>
/// Decides what a model declared with <c>DecodeWeights = DecodeWeightFormat.BFloat16</c> or <c>DecodeWeightFormat.Int8</c>
/// decodes from a narrower copy: the weight matrices a decoder step multiplies by. Those are what a step streams from
/// memory once per token, and a step's matrices together outgrow L2 first. The encoder's stay float: its steps run
/// back to back over the same matrices, which stay in L2 (configuration M's are 1.2 MB), where widening costs more than
/// the bytes it saves (M's greedy decode with the encoder in bfloat16 too measured 2,134 µs, with the decoder's
/// matrices alone 2,003 µs, all float 3,583 µs); int8 copies the same matrices. The keys' projection runs once per
/// source; biases, embeddings and V_a are vectors a step reads a row of; all of these stay float. A decoder input table
/// (<see cref="DecoderInputTableRule"/>) stays float too: it replaces layer 0's input matrix, which then needs no copy.
/// <c>DecodeWeightFormat.Int8Dynamic</c> also reads a one-way encoder's recurrent matrices from the copy
/// (<see cref="EncoderFromCopy"/>).
/// </summary>
internal static class DecodeWeightsRule
{
    /// <summary>
    /// Whether decoding runs the encoder through its own pass that reads the recurrent matrices (W_hh of every layer, W_ih
    /// above the first) from the copy: with <c>DecodeWeightFormat.Int8Dynamic</c> and a one-way encoder, whatever the size.
    /// Those matrices stay in L2 across the encoder's steps, and reading them as int8 widened to float cost as much as
    /// float did (configuration M's 256 x 768 W_hh: 12.5 % of an int8 greedy decode's time as the decoder's int8
    /// matrix, 11.7 % as the encoder's float one), so <c>Int8</c> keeps the encoder float; integer dot products do four
    /// multiply-adds per lane and instruction, which pays from L2 too. Layer 0's input side stays float: it is one
    /// matrix-matrix product per source, not per step. A bidirectional encoder keeps its float passes.
    /// </summary>
    public static bool EncoderFromCopy(ModelShape shape) => shape.DecodesInInt8Dynamic && !shape.BidirectionalEncoder;

    /// <summary>The identifiers of the tensors decoding reads from the copy, in buffer order; none for a float model.</summary>
    public static IReadOnlyList<string> Tensors(ModelShape shape, bool decoderInputTable)
    {
        if (!shape.DecodesFromCopy)
        {
            return [];
        }
        var tensors = new List<string>();
        if (EncoderFromCopy(shape))
        {
            for (var layer = 0; layer < shape.Layers; layer++)
            {
                if (layer > 0)
                {
                    tensors.Add($"EncoderWeightIh{layer}");
                }
                tensors.Add($"EncoderWeightHh{layer}");
            }
        }
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            if (layer > 0 || !decoderInputTable)
            {
                tensors.Add($"DecoderWeightIh{layer}");
            }
            tensors.Add($"DecoderWeightHh{layer}");
        }
        tensors.Add("OutputWeight");
        switch (shape.Attention)
        {
            case AttentionKind.Bahdanau:
                tensors.Add("AttentionWaWeight");
                break;
            case AttentionKind.LuongDot or AttentionKind.LuongGeneral:
                tensors.Add("AttentionWcWeight");
                break;
        }
        return tensors;
    }

    /// <summary>The dense kernels those tensors go through, each emitted once more with the copy's weights; none for a float model.</summary>
    public static IReadOnlyList<LinearKernelPlan> Kernels(ModelShape shape, bool decoderInputTable)
    {
        if (!shape.DecodesFromCopy)
        {
            return [];
        }
        var kernels = new List<LinearKernelPlan>();
        if (EncoderFromCopy(shape))
        {
            kernels.Add(new(shape.HiddenSize, shape.GateSize));
            if (shape.Layers > 1)
            {
                kernels.Add(new(shape.EncoderUpperInputSize, shape.GateSize));
            }
        }
        if (!decoderInputTable)
        {
            kernels.Add(new(shape.DecoderInputSize, shape.GateSize));
        }
        kernels.Add(new(shape.HiddenSize, shape.GateSize));
        switch (shape.Attention)
        {
            case AttentionKind.Bahdanau:
                kernels.Add(new(shape.HiddenSize, shape.HiddenSize));
                break;
            case AttentionKind.LuongDot or AttentionKind.LuongGeneral:
                kernels.Add(new(2 * shape.HiddenSize, shape.HiddenSize));
                break;
        }
        kernels.Add(new(shape.HiddenSize, shape.TargetVocabularySize));
        return kernels.Distinct().ToList();
    }
}
