using System;
using System.Collections.Generic;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Planning;

/// <summary>
/// The parameter tensors of a shape, named and initialised as the equivalent PyTorch module
/// (<c>nn.Embedding</c>, <c>nn.RNN</c>/<c>nn.GRU</c>/<c>nn.LSTM</c>, <c>nn.Linear</c>) names and initialises them.
/// </summary>
internal static class TensorCatalog
{
    /// <summary>Every tensor starts on a 64-byte boundary: 16 floats.</summary>
    public const int AlignmentFloats = 16;

    /// <summary>A tensor before it is placed: everything but its offset.</summary>
    public sealed record Entry(string Name, string Identifier, int Rows, int Columns, bool Transposed, bool NormalInit, float InitBound, string Description)
    {
        public long Length => Columns == 0 ? Rows : (long)Rows * Columns;
    }

    public static IReadOnlyList<Entry> For(ModelShape shape)
    {
        var entries = new List<Entry>();
        // nn.RNN, nn.GRU and nn.LSTM draw every weight and bias from U(-1/sqrt(H), 1/sqrt(H)).
        var recurrentBound = (float)(1.0 / Math.Sqrt(shape.HiddenSize));
        var (cell, gates, order) = shape.Cell switch
        {
            CellKind.Lstm => ("LSTM", "4H", ", rows in gate order i, f, g, o"),
            CellKind.Gru => ("GRU", "3H", ", rows in gate order r, z, n"),
            _ => ("RNN", "H", ""),
        };

        entries.Add(new Entry("encoder.embedding.weight", "SourceEmbedding", shape.SourceVocabularySize, shape.EmbeddingSize, false, true, 0f,
            "source embedding (SourceVocabularySize, E)"));
        AddRecurrentLayers(entries, shape, "encoder", "Encoder", shape.EmbeddingSize, "E", recurrentBound, cell, gates, order, shape.BidirectionalEncoder);
        entries.Add(new Entry("decoder.embedding.weight", "TargetEmbedding", shape.TargetVocabularySize, shape.EmbeddingSize, false, true, 0f,
            "target embedding (TargetVocabularySize, E)"));
        AddAttention(entries, shape, recurrentBound);
        AddRecurrentLayers(entries, shape, "decoder", "Decoder", shape.DecoderInputSize, shape.Attention == AttentionKind.Bahdanau ? "E + H" : "E",
            recurrentBound, cell, gates, order, bidirectional: false);
        // nn.Linear's default init (kaiming_uniform with a = sqrt(5)) is U(-1/sqrt(in), 1/sqrt(in)) for weight and bias.
        entries.Add(new Entry("decoder.out.weight", "OutputWeight", shape.TargetVocabularySize, shape.HiddenSize, true, false, recurrentBound,
            "output projection W_out (TargetVocabularySize, H), stored transposed as (H, TargetVocabularySize)"));
        entries.Add(new Entry("decoder.out.bias", "OutputBias", shape.TargetVocabularySize, 0, false, false, recurrentBound,
            "output bias b_out (TargetVocabularySize)"));
        return entries;
    }

    /// <summary>Length of the flat buffer, padding included, in 64-bit arithmetic so an oversized model is caught, not wrapped.</summary>
    public static long CountParameters(ModelShape shape)
    {
        long count = 0;
        foreach (var entry in For(shape))
        {
            count = AlignUp(count) + entry.Length;
        }
        return AlignUp(count);
    }

    public static long AlignUp(long offset) => (offset + AlignmentFloats - 1) / AlignmentFloats * AlignmentFloats;

    /// <summary>
    /// The attention's nn.Linear layers, named as the PyTorch tutorial's <c>BahdanauAttention</c> names them (and, for
    /// Luong, <c>Wa</c> and <c>Wc</c> of the paper). Each draws weight and bias from U(-1/sqrt(in), 1/sqrt(in)).
    /// </summary>
    private static void AddAttention(List<Entry> entries, ModelShape shape, float bound)
    {
        var wideBound = (float)(1.0 / Math.Sqrt(2 * shape.HiddenSize));
        var h = shape.HiddenSize;
        switch (shape.Attention)
        {
            case AttentionKind.Bahdanau:
                entries.Add(new Entry("decoder.attention.Wa.weight", "AttentionWaWeight", h, h, true, false, bound,
                    "Bahdanau query projection W_a (H, H), stored transposed"));
                entries.Add(new Entry("decoder.attention.Wa.bias", "AttentionWaBias", h, 0, false, false, bound, "Bahdanau query bias b_a (H)"));
                entries.Add(new Entry("decoder.attention.Ua.weight", "AttentionUaWeight", h, h, true, false, bound,
                    "Bahdanau key projection U_a (H, H), stored transposed"));
                entries.Add(new Entry("decoder.attention.Ua.bias", "AttentionUaBias", h, 0, false, false, bound, "Bahdanau key bias b_Ua (H)"));
                entries.Add(new Entry("decoder.attention.Va.weight", "AttentionVaWeight", 1, h, false, false, bound, "Bahdanau score vector V_a (1, H)"));
                entries.Add(new Entry("decoder.attention.Va.bias", "AttentionVaBias", 1, 0, false, false, bound, "Bahdanau score bias b_Va (1)"));
                break;
            case AttentionKind.LuongGeneral:
                entries.Add(new Entry("decoder.attention.Wa.weight", "AttentionWaWeight", h, h, true, false, bound,
                    "Luong general score W_a (H, H), no bias, stored transposed"));
                goto case AttentionKind.LuongDot;
            case AttentionKind.LuongDot:
                entries.Add(new Entry("decoder.attention.Wc.weight", "AttentionWcWeight", h, 2 * h, true, false, wideBound,
                    "Luong attentional layer W_c (H, 2H) over [c ; h], stored transposed as (2H, H)"));
                entries.Add(new Entry("decoder.attention.Wc.bias", "AttentionWcBias", h, 0, false, false, wideBound, "Luong attentional bias b_c (H)"));
                break;
        }
    }

    /// <summary>
    /// Each layer's four tensors, then, for a <paramref name="bidirectional"/> module, the reverse direction's four under
    /// PyTorch's <c>_reverse</c> names; a bidirectional module's layers above the first read [forward ; reverse] (2H).
    /// </summary>
    private static void AddRecurrentLayers(List<Entry> entries, ModelShape shape, string module, string side, int inputSize, string inputSizeName,
        float bound, string cell, string gates, string order, bool bidirectional)
    {
        string[] directions = bidirectional ? ["", "_reverse"] : [""];
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            var input = layer == 0 ? inputSize : bidirectional ? 2 * shape.HiddenSize : shape.HiddenSize;
            var inputName = layer == 0 ? inputSizeName : bidirectional ? "2H" : "H";
            foreach (var suffix in directions)
            {
                var where = $"{module} {cell} layer {layer}{(suffix.Length == 0 ? "" : ", reverse direction")}";
                var identifierSuffix = suffix.Length == 0 ? "" : "Reverse";
                entries.Add(new Entry($"{module}.rnn.weight_ih_l{layer}{suffix}", $"{side}WeightIh{layer}{identifierSuffix}", shape.GateSize, input, true, false, bound,
                    $"{where}: W_ih ({gates}, {inputName}){order}; stored transposed as ({inputName}, {gates})"));
                entries.Add(new Entry($"{module}.rnn.weight_hh_l{layer}{suffix}", $"{side}WeightHh{layer}{identifierSuffix}", shape.GateSize, shape.HiddenSize, true, false, bound,
                    $"{where}: W_hh ({gates}, H){order}; stored transposed as (H, {gates})"));
                entries.Add(new Entry($"{module}.rnn.bias_ih_l{layer}{suffix}", $"{side}BiasIh{layer}{identifierSuffix}", shape.GateSize, 0, false, false, bound,
                    $"{where}: b_ih ({gates}){order}"));
                entries.Add(new Entry($"{module}.rnn.bias_hh_l{layer}{suffix}", $"{side}BiasHh{layer}{identifierSuffix}", shape.GateSize, 0, false, false, bound,
                    $"{where}: b_hh ({gates}){order}"));
            }
        }
    }
}
