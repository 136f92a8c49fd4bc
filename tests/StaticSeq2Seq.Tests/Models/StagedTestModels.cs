using StaticSeq2Seq;

namespace StaticSeq2Seq.Tests.Models;

// Models whose weight gradients over all steps outgrow the generator's budget (512 KiB), so a chunk stages their rows
// (WeightGradientStage): the output projection alone is 40 x 3300 floats. One per cell, attention kind and encoder
// direction, at widths that are no multiple of a vector, so the weight-gradient kernels run their column tails too.

[Seq2SeqModel(SourceVocabularySize = 23, TargetVocabularySize = 3300, EmbeddingSize = 12, HiddenSize = 40,
              Layers = 2, Cell = RecurrentCell.Gru, MaxSourceLength = 7, MaxTargetLength = 6)]
public partial class StagedGru2;

[Seq2SeqModel(SourceVocabularySize = 23, TargetVocabularySize = 3300, EmbeddingSize = 12, HiddenSize = 40,
              Layers = 1, Cell = RecurrentCell.Lstm, MaxSourceLength = 7, MaxTargetLength = 6, Attention = AttentionKind.Bahdanau)]
public partial class StagedBahdanauLstm;

[Seq2SeqModel(SourceVocabularySize = 23, TargetVocabularySize = 3300, EmbeddingSize = 12, HiddenSize = 40,
              Layers = 2, Cell = RecurrentCell.Rnn, MaxSourceLength = 7, MaxTargetLength = 6, Attention = AttentionKind.LuongGeneral)]
public partial class StagedLuongGeneralRnn2;

[Seq2SeqModel(SourceVocabularySize = 23, TargetVocabularySize = 3300, EmbeddingSize = 12, HiddenSize = 40,
              Layers = 2, Cell = RecurrentCell.Gru, MaxSourceLength = 7, MaxTargetLength = 6, Attention = AttentionKind.Bahdanau, BidirectionalEncoder = true)]
public partial class StagedBiGru2Bahdanau;

[Seq2SeqModel(SourceVocabularySize = 23, TargetVocabularySize = 3300, EmbeddingSize = 12, HiddenSize = 40,
              Layers = 1, Cell = RecurrentCell.Lstm, MaxSourceLength = 7, MaxTargetLength = 6, Attention = AttentionKind.LuongDot, BidirectionalEncoder = true)]
public partial class StagedBiLstmLuongDot;
