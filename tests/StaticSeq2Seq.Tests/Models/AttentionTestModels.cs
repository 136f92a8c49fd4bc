using StaticSeq2Seq;

namespace StaticSeq2Seq.Tests.Models;

// One model per attention kind, at the same awkward sizes as the plain test models (no width a multiple of a
// vector), spread over the cells and layer counts: the attention's wiring differs with the top layer's index and
// with the LSTM's cell state beside h.

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.Bahdanau)]
public partial class BahdanauGru;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 2, Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.Bahdanau)]
public partial class BahdanauLstm2;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 1, Cell = RecurrentCell.Rnn, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.LuongDot)]
public partial class LuongDotRnn;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 2, Cell = RecurrentCell.Gru, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.LuongGeneral)]
public partial class LuongGeneralGru2;
