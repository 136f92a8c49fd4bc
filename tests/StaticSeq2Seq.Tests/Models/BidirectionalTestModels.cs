using StaticSeq2Seq;

namespace StaticSeq2Seq.Tests.Models;

// Bidirectional encoders: every cell with one and two layers (the second layer reads [forward ; reverse]), each
// without attention and with one of the kinds, at the awkward sizes of the other test models.

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 1,
              Cell = RecurrentCell.Rnn, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.None, BidirectionalEncoder = true)]
public partial class BiRnn1;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 1,
              Cell = RecurrentCell.Rnn, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.LuongDot, BidirectionalEncoder = true)]
public partial class BiRnn1LuongDot;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 2,
              Cell = RecurrentCell.Rnn, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.None, BidirectionalEncoder = true)]
public partial class BiRnn2;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 2,
              Cell = RecurrentCell.Rnn, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.Bahdanau, BidirectionalEncoder = true)]
public partial class BiRnn2Bahdanau;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 1,
              Cell = RecurrentCell.Gru, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.None, BidirectionalEncoder = true)]
public partial class BiGru1;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 1,
              Cell = RecurrentCell.Gru, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.Bahdanau, BidirectionalEncoder = true)]
public partial class BiGru1Bahdanau;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 2,
              Cell = RecurrentCell.Gru, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.None, BidirectionalEncoder = true)]
public partial class BiGru2;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 2,
              Cell = RecurrentCell.Gru, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.LuongGeneral, BidirectionalEncoder = true)]
public partial class BiGru2LuongGeneral;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 1,
              Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.None, BidirectionalEncoder = true)]
public partial class BiLstm1;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 1,
              Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.LuongGeneral, BidirectionalEncoder = true)]
public partial class BiLstm1LuongGeneral;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 2,
              Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.None, BidirectionalEncoder = true)]
public partial class BiLstm2;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7, Layers = 2,
              Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.Bahdanau, BidirectionalEncoder = true)]
public partial class BiLstm2Bahdanau;

// Widths that fill whole vectors: the (2H, G) kernel of the second layer runs its register-blocked paths.
[Seq2SeqModel(SourceVocabularySize = 40, TargetVocabularySize = 37, EmbeddingSize = 24, HiddenSize = 48, Layers = 2,
              Cell = RecurrentCell.Gru, MaxSourceLength = 8, MaxTargetLength = 8, Attention = AttentionKind.Bahdanau, BidirectionalEncoder = true)]
public partial class WideBiGru2Bahdanau;
