namespace StaticSeq2Seq.Generators.Model;

/// <summary>A validated declaration with every default filled in: the sizes the emitted code is written for.</summary>
internal sealed record ModelShape(
    int SourceVocabularySize,
    int TargetVocabularySize,
    int EmbeddingSize,
    int HiddenSize,
    int Layers,
    CellKind Cell,
    int MaxSourceLength,
    int MaxTargetLength,
    AttentionKind Attention,
    bool BidirectionalEncoder,
    DecodeWeightFormat DecodeWeights)
{
    /// <summary>Width of what an encoder layer above the first reads: [forward ; reverse] of a bidirectional layer, else h.</summary>
    public int EncoderUpperInputSize => BidirectionalEncoder ? 2 * HiddenSize : HiddenSize;

    public bool HasAttention => Attention != AttentionKind.None;

    /// <summary>Decoding multiplies by a bfloat16 copy of the decoder's weight matrices.</summary>
    public bool DecodesInBFloat16 => DecodeWeights == DecodeWeightFormat.BFloat16;

    /// <summary>Decoding multiplies by an int8 copy of the decoder's weight matrices, with a float scale per output row.</summary>
    public bool DecodesInInt8 => DecodeWeights == DecodeWeightFormat.Int8;

    /// <summary>Decoding multiplies by an int8 copy packed for integer dot products, quantizing each product's input vector too.</summary>
    public bool DecodesInInt8Dynamic => DecodeWeights == DecodeWeightFormat.Int8Dynamic;

    /// <summary>Decoding multiplies by a narrower copy of the decoder's weight matrices (<c>DecodeWeightsRule</c>).</summary>
    public bool DecodesFromCopy => DecodeWeights != DecodeWeightFormat.Float32;

    /// <summary>Width of the decoder's layer-0 input: the embedding, and with Bahdanau attention the context beside it.</summary>
    public int DecoderInputSize => Attention == AttentionKind.Bahdanau ? EmbeddingSize + HiddenSize : EmbeddingSize;

    /// <summary>What layer <paramref name="layer"/> of the encoder (<paramref name="encoder"/>) or decoder reads at a step: the embedding (the decoder's with Bahdanau's context), or the layer below's output.</summary>
    public int LayerInputSize(bool encoder, int layer) =>
        layer > 0 ? (encoder ? EncoderUpperInputSize : HiddenSize) : encoder ? EmbeddingSize : DecoderInputSize;

    /// <summary>Rows of the gate pre-activations: 4H for an LSTM (i, f, g, o), 3H for a GRU (r, z, n), H for a plain RNN.</summary>
    public int GateSize => Cell switch
    {
        CellKind.Lstm => 4 * HiddenSize,
        CellKind.Gru => 3 * HiddenSize,
        _ => HiddenSize,
    };
}
