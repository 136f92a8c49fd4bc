namespace StaticSeq2Seq.Tests.Models;

// Decoding in int8. Bahdanau with two layers has no decoder input table, so every decoder matrix is quantized; its
// kernels (72 -> 144, 48 -> 144, 48 -> 48, 48 -> 37) run whole blocks, partial blocks and scalar tails on every width.
[Seq2SeqModel(SourceVocabularySize = 40, TargetVocabularySize = 37, EmbeddingSize = 24, HiddenSize = 48,
              Layers = 2, Cell = RecurrentCell.Gru, MaxSourceLength = 8, MaxTargetLength = 8, Attention = AttentionKind.Bahdanau,
              DecodeWeights = DecodeWeightFormat.Int8)]
public partial class Int8BahdanauGru2;

// Luong general with a decoder input table: layer 0's input product stays the float table, the rest is int8.
[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 2, Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.LuongGeneral,
              DecodeWeights = DecodeWeightFormat.Int8)]
public partial class Int8LuongGeneralLstm2;

// No attention, with a decoder input table.
[Seq2SeqModel(SourceVocabularySize = 40, TargetVocabularySize = 37, EmbeddingSize = 24, HiddenSize = 48,
              Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 8, MaxTargetLength = 8,
              DecodeWeights = DecodeWeightFormat.Int8)]
public partial class Int8Gru;

// A bidirectional encoder, which stays float, under an int8 decoder with Bahdanau attention over its summed directions.
[Seq2SeqModel(SourceVocabularySize = 19, TargetVocabularySize = 23, EmbeddingSize = 9, HiddenSize = 10,
              Layers = 2, Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.Bahdanau,
              BidirectionalEncoder = true, DecodeWeights = DecodeWeightFormat.Int8)]
public partial class Int8BidirectionalBahdanauLstm2;

// Decoding with int8 weights and activations. Bahdanau with two layers: every decoder matrix and the encoder's W_hh of
// both layers and W_ih of layer 1 are packed; kernels 72 -> 144, 48 -> 144, 48 -> 48 and 48 -> 37 run whole blocks of
// 64 outputs, single vectors and scalar tails on every path.
[Seq2SeqModel(SourceVocabularySize = 40, TargetVocabularySize = 37, EmbeddingSize = 24, HiddenSize = 48,
              Layers = 2, Cell = RecurrentCell.Gru, MaxSourceLength = 8, MaxTargetLength = 8, Attention = AttentionKind.Bahdanau,
              DecodeWeights = DecodeWeightFormat.Int8Dynamic)]
public partial class Int8DynamicBahdanauGru2;

// Luong general with a decoder input table and odd sizes: inputs 7 and 14 pad the last group of four with zero weights.
[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 2, Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.LuongGeneral,
              DecodeWeights = DecodeWeightFormat.Int8Dynamic)]
public partial class Int8DynamicLuongGeneralLstm2;

// A bidirectional encoder, which keeps its float passes, under a decoder with int8 weights and activations.
[Seq2SeqModel(SourceVocabularySize = 19, TargetVocabularySize = 23, EmbeddingSize = 9, HiddenSize = 10,
              Layers = 2, Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.Bahdanau,
              BidirectionalEncoder = true, DecodeWeights = DecodeWeightFormat.Int8Dynamic)]
public partial class Int8DynamicBidirectionalBahdanauLstm2;
