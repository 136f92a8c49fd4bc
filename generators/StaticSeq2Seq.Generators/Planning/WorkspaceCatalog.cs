using System.Collections.Generic;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Planning;

/// <summary>
/// The activation buffers of a shape's workspace: what the forward pass keeps for backpropagation through
/// time, and the scratch of the backward pass. Encoder and decoder states (h, and an LSTM's c) keep one
/// extra slot for the initial state, so step t reads slot t and writes slot t + 1.
/// </summary>
internal static class WorkspaceCatalog
{
    public sealed record Entry(string Identifier, long Length, string Description);

    public static IReadOnlyList<Entry> Floats(ModelShape shape)
    {
        long h = shape.HiddenSize, g = shape.GateSize, v = shape.TargetVocabularySize;
        long sourceSteps = shape.MaxSourceLength, targetSteps = shape.MaxTargetLength + 1;
        var gru = shape.Cell == CellKind.Gru;
        var lstm = shape.Cell == CellKind.Lstm;
        var entries = new List<Entry>();
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            entries.Add(new Entry($"EncoderHidden{layer}", (sourceSteps + 1) * h, $"encoder layer {layer} states h_0..h_T (MaxSourceLength + 1, H)"));
            if (gru)
            {
                entries.Add(new Entry($"EncoderGates{layer}", sourceSteps * g, $"encoder layer {layer} gate activations r, z, n (MaxSourceLength, 3H)"));
                entries.Add(new Entry($"EncoderHiddenN{layer}", sourceSteps * h, $"encoder layer {layer} W_hn h + b_hn (MaxSourceLength, H)"));
            }
            if (lstm)
            {
                entries.Add(new Entry($"EncoderCell{layer}", (sourceSteps + 1) * h, $"encoder layer {layer} cell states c_0..c_T (MaxSourceLength + 1, H)"));
                entries.Add(new Entry($"EncoderGates{layer}", sourceSteps * g, $"encoder layer {layer} gate activations i, f, g, o (MaxSourceLength, 4H)"));
            }
            if (shape.BidirectionalEncoder)
            {
                AddReverseEncoderLayer(entries, shape, layer);
            }
        }
        if (shape.BidirectionalEncoder)
        {
            AddBidirectionalBridge(entries, shape);
        }
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            entries.Add(new Entry($"DecoderHidden{layer}", (targetSteps + 1) * h, $"decoder layer {layer} states, slot 0 the encoder's final state (MaxTargetLength + 2, H)"));
            if (gru)
            {
                entries.Add(new Entry($"DecoderGates{layer}", targetSteps * g, $"decoder layer {layer} gate activations r, z, n (MaxTargetLength + 1, 3H)"));
                entries.Add(new Entry($"DecoderHiddenN{layer}", targetSteps * h, $"decoder layer {layer} W_hn h + b_hn (MaxTargetLength + 1, H)"));
            }
            if (lstm)
            {
                entries.Add(new Entry($"DecoderCell{layer}", (targetSteps + 1) * h, $"decoder layer {layer} cell states, slot 0 the encoder's final cell state (MaxTargetLength + 2, H)"));
                entries.Add(new Entry($"DecoderGates{layer}", targetSteps * g, $"decoder layer {layer} gate activations i, f, g, o (MaxTargetLength + 1, 4H)"));
            }
        }
        AddAttentionForward(entries, shape);
        AddDroppedInputs(entries, shape);
        entries.Add(new Entry("Probabilities", targetSteps * v, "softmax of each decoder step's logits (MaxTargetLength + 1, TargetVocabularySize)"));
        entries.Add(new Entry("GatesHh", g, "scratch: W_hh h + b_hh of the current step (G)"));
        AddGateGradients(entries, shape);
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            entries.Add(new Entry($"DHidden{layer}", h, $"backward: dL/dh of layer {layer} at the current step (H)"));
        }
        if (lstm)
        {
            for (var layer = 0; layer < shape.Layers; layer++)
            {
                entries.Add(new Entry($"DCell{layer}", h, $"backward: dL/dc of layer {layer} at the current step (H)"));
            }
        }
        entries.Add(new Entry("DHiddenPrevious", h, "backward scratch: dL/dh of the previous step (H)"));
        if (lstm)
        {
            entries.Add(new Entry("DCellPrevious", h, "backward scratch: dL/dc of the previous step (H)"));
        }
        entries.Add(new Entry("DLogits", targetSteps * v, "backward: dL/dlogits of each decoder step (MaxTargetLength + 1, TargetVocabularySize)"));
        entries.Add(new Entry("DOutputInputs", targetSteps * h, "backward: dL/d(the output projection's input) of each decoder step (MaxTargetLength + 1, H)"));
        AddAttentionBackward(entries, shape);
        return entries;
    }

    /// <summary>
    /// Each layer's (and direction's) gradients of its gate pre-activations at every step, which the steps' backward
    /// keeps so that the weight gradients are summed over all steps at once afterwards. Only the GRU's n gate sees
    /// W_hh h + b_hh apart from W_ih x + b_ih; RNN and LSTM pre-activations share one gradient in DGatesIh.
    /// </summary>
    private static void AddGateGradients(List<Entry> entries, ModelShape shape)
    {
        long g = shape.GateSize;
        var sides = new List<(string Name, long Steps, string Label, string Rows)> { ("Encoder", shape.MaxSourceLength, "encoder", "MaxSourceLength") };
        if (shape.BidirectionalEncoder)
        {
            sides.Add(("EncoderReverse", shape.MaxSourceLength, "encoder reverse", "MaxSourceLength"));
        }
        sides.Add(("Decoder", shape.MaxTargetLength + 1, "decoder", "MaxTargetLength + 1"));
        foreach (var (name, steps, label, rows) in sides)
        {
            for (var layer = 0; layer < shape.Layers; layer++)
            {
                entries.Add(new Entry($"{name}DGatesIh{layer}", steps * g, $"backward: dL/d(W_ih x + b_ih) of {label} layer {layer} at each step ({rows}, G)"));
                if (layer == 0 && (name == "Encoder" ? InputProductsRule.AppliesToEncoder(shape) : name == "Decoder"))
                {
                    // Layer 0 takes dL/dx of all steps at once, after the recurrent backward.
                    entries.Add(new Entry($"{name}DInputs0", steps * shape.EmbeddingSize, $"backward: dL/dx of {label} layer 0 at each step, before dropout's mask ({rows}, E)"));
                }
                if (shape.Cell == CellKind.Gru)
                {
                    entries.Add(new Entry($"{name}DGatesHh{layer}", steps * g, $"backward: dL/d(W_hh h + b_hh) of {label} layer {layer} at each step ({rows}, G)"));
                }
            }
        }
    }

    /// <summary>
    /// The reverse direction of a bidirectional encoder layer. It runs from the last real position T - 1 down to 0, so
    /// slot T holds its zero initial state, step t reads slot t + 1 and writes slot t, and slot t is its output at t.
    /// </summary>
    private static void AddReverseEncoderLayer(List<Entry> entries, ModelShape shape, int layer)
    {
        long h = shape.HiddenSize, g = shape.GateSize, sourceSteps = shape.MaxSourceLength;
        entries.Add(new Entry($"EncoderReverseHidden{layer}", (sourceSteps + 1) * h, $"encoder layer {layer} reverse states, slot t its output at position t, slot T the zero start (MaxSourceLength + 1, H)"));
        if (shape.Cell == CellKind.Gru)
        {
            entries.Add(new Entry($"EncoderReverseGates{layer}", sourceSteps * g, $"encoder layer {layer} reverse gate activations r, z, n (MaxSourceLength, 3H)"));
            entries.Add(new Entry($"EncoderReverseHiddenN{layer}", sourceSteps * h, $"encoder layer {layer} reverse W_hn h + b_hn (MaxSourceLength, H)"));
        }
        if (shape.Cell == CellKind.Lstm)
        {
            entries.Add(new Entry($"EncoderReverseCell{layer}", (sourceSteps + 1) * h, $"encoder layer {layer} reverse cell states, slot T the zero start (MaxSourceLength + 1, H)"));
            entries.Add(new Entry($"EncoderReverseGates{layer}", sourceSteps * g, $"encoder layer {layer} reverse gate activations i, f, g, o (MaxSourceLength, 4H)"));
        }
    }

    /// <summary>
    /// What a bidirectional encoder adds around its layers: each lower layer's [forward ; reverse] outputs that the layer
    /// above reads, and their gradients; the summed top-layer outputs attention reads; the saved gradient of a layer's
    /// final states, which both directions start their backward pass from.
    /// </summary>
    private static void AddBidirectionalBridge(List<Entry> entries, ModelShape shape)
    {
        long h = shape.HiddenSize, sourceSteps = shape.MaxSourceLength;
        for (var layer = 0; layer < shape.Layers - 1; layer++)
        {
            entries.Add(new Entry($"EncoderLayerOutputs{layer}", sourceSteps * 2 * h, $"encoder layer {layer} outputs [forward ; reverse], the input of layer {layer + 1} (MaxSourceLength, 2H)"));
            entries.Add(new Entry($"DEncoderLayerOutputs{layer}", sourceSteps * 2 * h, $"backward: dL/d[forward ; reverse] of encoder layer {layer}'s outputs (MaxSourceLength, 2H)"));
        }
        if (shape.HasAttention)
        {
            entries.Add(new Entry("EncoderOutputs", sourceSteps * h, "encoder outputs k_j = forward_j + reverse_j of the top layer, what attention reads (MaxSourceLength, H)"));
        }
        entries.Add(new Entry("DEncoderFinalHidden", h, "backward scratch: dL/dh of the decoder's initial state of one layer, for the reverse direction (H)"));
        if (shape.Cell == CellKind.Lstm)
        {
            entries.Add(new Entry("DEncoderFinalCell", h, "backward scratch: dL/dc of the decoder's initial state of one layer, for the reverse direction (H)"));
        }
    }

    /// <summary>
    /// What training with dropout keeps of each step: the layers' inputs as masked, which the backward pass reads again,
    /// and the scratch that dL/dx of a masked input goes through. A bidirectional encoder masks the [forward ; reverse]
    /// outputs it already keeps in place. The embedding blocks also gather each step's input row for layer 0's products over
    /// all steps, and Bahdanau's decoder copies its rows into the embedding part of each step's [embedding ; context].
    /// </summary>
    private static void AddDroppedInputs(List<Entry> entries, ModelShape shape)
    {
        long e = shape.EmbeddingSize, h = shape.HiddenSize, sourceSteps = shape.MaxSourceLength, targetSteps = shape.MaxTargetLength + 1;
        entries.Add(new Entry("EncoderDroppedEmbeddings", sourceSteps * e, "the source embeddings as dropout left them (MaxSourceLength, E)"));
        entries.Add(new Entry("DecoderDroppedEmbeddings", targetSteps * e, "the decoder's input embeddings as dropout left them (MaxTargetLength + 1, E)"));
        for (var layer = 0; layer < shape.Layers - 1; layer++)
        {
            if (!shape.BidirectionalEncoder)
            {
                entries.Add(new Entry($"EncoderDroppedOutputs{layer}", sourceSteps * h, $"encoder layer {layer} outputs as dropout left them for layer {layer + 1} (MaxSourceLength, H)"));
            }
            entries.Add(new Entry($"DecoderDroppedOutputs{layer}", targetSteps * h, $"decoder layer {layer} outputs as dropout left them for layer {layer + 1} (MaxTargetLength + 1, H)"));
        }
        entries.Add(new Entry("DDroppedInput", System.Math.Max(e, h), "backward scratch: dL/d(a masked input) before the mask (max(E, H))"));
    }

    /// <summary>What attention keeps per decoder step (its weights, and what its backward pass reads) and per source position.</summary>
    private static void AddAttentionForward(List<Entry> entries, ModelShape shape)
    {
        long h = shape.HiddenSize, sourceSteps = shape.MaxSourceLength, targetSteps = shape.MaxTargetLength + 1;
        switch (shape.Attention)
        {
            case AttentionKind.None:
                return;
            case AttentionKind.Bahdanau:
                entries.Add(new Entry("AttentionKeys", sourceSteps * h, "Bahdanau keys U_a k_j + b_Ua of each source position (MaxSourceLength, H)"));
                entries.Add(new Entry("AttentionQueries", targetSteps * h, "Bahdanau queries W_a q + b_a of each decoder step (MaxTargetLength + 1, H)"));
                entries.Add(new Entry("DecoderLayer0Input", targetSteps * shape.DecoderInputSize,
                    "decoder layer 0 input [embedding ; context] of each step (MaxTargetLength + 1, E + H)"));
                entries.Add(new Entry("AttentionScratch", h, "scratch: tanh(query + key_j) of one source position (H)"));
                entries.Add(new Entry("ContextGates", sourceSteps * shape.GateSize,
                    "training: decoder layer 0's context rows times each encoder output, W_ctx k_j, what attending to j alone adds to the gates (MaxSourceLength, G)"));
                break;
            default:
                if (shape.Attention == AttentionKind.LuongGeneral)
                {
                    entries.Add(new Entry("AttentionKeys", sourceSteps * h, "Luong general keys W_a k_j of each source position (MaxSourceLength, H)"));
                }
                entries.Add(new Entry("AttentionCombined", targetSteps * 2 * h, "Luong [context ; h] of each decoder step (MaxTargetLength + 1, 2H)"));
                entries.Add(new Entry("AttentionalHidden", targetSteps * h, "Luong attentional state h~ = tanh(W_c [c ; h] + b_c) of each step (MaxTargetLength + 1, H)"));
                break;
        }
        entries.Add(new Entry("AttentionWeights", targetSteps * sourceSteps, "attention weights of each decoder step over the source (MaxTargetLength + 1, MaxSourceLength)"));
    }

    private static void AddAttentionBackward(List<Entry> entries, ModelShape shape)
    {
        long h = shape.HiddenSize, sourceSteps = shape.MaxSourceLength;
        if (!shape.HasAttention)
        {
            return;
        }
        entries.Add(new Entry("DEncoderOutputs", sourceSteps * h, "backward: dL/dk_j of each encoder top-layer state, over all decoder steps (MaxSourceLength, H)"));
        if (shape.Attention is AttentionKind.Bahdanau or AttentionKind.LuongGeneral)
        {
            entries.Add(new Entry("DAttentionKeys", sourceSteps * h, "backward: dL/dkey_j of each projected key, over all decoder steps (MaxSourceLength, H)"));
        }
        entries.Add(new Entry("DAttentionScores", sourceSteps, "backward scratch: dL/dweights, then dL/dscores, of one step (MaxSourceLength)"));
        if (shape.Attention == AttentionKind.Bahdanau)
        {
            entries.Add(new Entry("DContextGates", sourceSteps * shape.GateSize, "backward: dL/d(W_ctx k_j) of each source position, over all decoder steps (MaxSourceLength, G)"));
            entries.Add(new Entry("DAttentionQueries", (shape.MaxTargetLength + 1) * h, "backward: dL/d(W_a q + b_a) of each decoder step, for W_a's gradient over all steps (MaxTargetLength + 1, H)"));
        }
        else
        {
            entries.Add(new Entry("DAttentionalHidden", h, "backward scratch: dL/dh~ (H)"));
            entries.Add(new Entry("DAttentionCombined", 2 * h, "backward scratch: dL/d[context ; h] (2H)"));
        }
    }

    public static IReadOnlyList<Entry> Tokens(ModelShape shape) =>
    [
        new Entry("SourceTokens", shape.MaxSourceLength, "the source of the last forward pass (MaxSourceLength)"),
        new Entry("DecoderInputs", shape.MaxTargetLength + 1, "decoder inputs: SOS, then the target (MaxTargetLength + 1)"),
        new Entry("DecoderTargets", shape.MaxTargetLength + 1, "decoder targets: the target, then EOS (MaxTargetLength + 1)"),
    ];

    public static long CountFloats(ModelShape shape)
    {
        long count = 0;
        foreach (var entry in Floats(shape))
        {
            count = TensorCatalog.AlignUp(count) + entry.Length;
        }
        return TensorCatalog.AlignUp(count);
    }
}
