using StaticSeq2Seq;

namespace Translate;

/// <summary>
/// The PyTorch tutorial's English-to-French model: a GRU encoder and a GRU decoder with Bahdanau (additive)
/// attention (the tutorial's <c>EncoderRNN</c> and <c>AttnDecoderRNN</c>). The vocabulary sizes are compile-time
/// constants with headroom over what the training split of eng-fra.filtered.tsv needs (Program checks at start-up
/// that the vocabularies it builds fit); the sentences have at most 9 tokens on each side.
/// </summary>
[Seq2SeqModel(SourceVocabularySize = 2400, TargetVocabularySize = 3800, EmbeddingSize = 128, HiddenSize = 256,
              Layers = 1, Cell = RecurrentCell.Gru, Attention = AttentionKind.Bahdanau,
              MaxSourceLength = 10, MaxTargetLength = 12)]
public partial class Translator;

/// <summary>
/// <see cref="Translator"/> decoding with a bfloat16 copy of the decoder's matrices (<c>evaluate --decode-weights
/// BFloat16</c>): the same shape, so the same checkpoints and parameters; training and the loss stay float.
/// </summary>
[Seq2SeqModel(SourceVocabularySize = 2400, TargetVocabularySize = 3800, EmbeddingSize = 128, HiddenSize = 256,
              Layers = 1, Cell = RecurrentCell.Gru, Attention = AttentionKind.Bahdanau,
              MaxSourceLength = 10, MaxTargetLength = 12, DecodeWeights = DecodeWeightFormat.BFloat16)]
public partial class TranslatorBFloat16;

/// <summary>
/// <see cref="Translator"/> decoding with an int8 copy of the decoder's matrices, one float scale per output row
/// (<c>evaluate --decode-weights Int8</c>): the same shape, so the same checkpoints and parameters; training and the
/// loss stay float.
/// </summary>
[Seq2SeqModel(SourceVocabularySize = 2400, TargetVocabularySize = 3800, EmbeddingSize = 128, HiddenSize = 256,
              Layers = 1, Cell = RecurrentCell.Gru, Attention = AttentionKind.Bahdanau,
              MaxSourceLength = 10, MaxTargetLength = 12, DecodeWeights = DecodeWeightFormat.Int8)]
public partial class TranslatorInt8;

/// <summary>
/// <see cref="Translator"/> decoding with int8 weights and int8 activations, the encoder's recurrent matrix included
/// (<c>evaluate --decode-weights Int8Dynamic</c>): the same shape, so the same checkpoints and parameters; training and
/// the loss stay float.
/// </summary>
[Seq2SeqModel(SourceVocabularySize = 2400, TargetVocabularySize = 3800, EmbeddingSize = 128, HiddenSize = 256,
              Layers = 1, Cell = RecurrentCell.Gru, Attention = AttentionKind.Bahdanau,
              MaxSourceLength = 10, MaxTargetLength = 12, DecodeWeights = DecodeWeightFormat.Int8Dynamic)]
public partial class TranslatorInt8Dynamic;
