namespace StaticSeq2Seq;

/// <summary>The compile-time shape of a generated model, as declared in its <see cref="Seq2SeqModelAttribute"/>.</summary>
/// <param name="SourceVocabularySize">Source tokens, special tokens included.</param>
/// <param name="TargetVocabularySize">Target tokens, special tokens included.</param>
/// <param name="EmbeddingSize">Embedding width.</param>
/// <param name="HiddenSize">Hidden state width of every layer.</param>
/// <param name="Layers">Stacked layers in the encoder and in the decoder.</param>
/// <param name="Cell">Recurrent cell.</param>
/// <param name="MaxSourceLength">Longest accepted source, in tokens.</param>
/// <param name="MaxTargetLength">Longest target, in tokens, EOS not counted.</param>
/// <param name="Attention">How the decoder attends to the encoder's states.</param>
/// <param name="BidirectionalEncoder">Each encoder layer also reads the source backwards; see <see cref="Seq2SeqModelAttribute.BidirectionalEncoder"/>.</param>
public sealed record ModelShape(
    int SourceVocabularySize,
    int TargetVocabularySize,
    int EmbeddingSize,
    int HiddenSize,
    int Layers,
    RecurrentCell Cell,
    int MaxSourceLength,
    int MaxTargetLength,
    AttentionKind Attention = AttentionKind.None,
    bool BidirectionalEncoder = false);
