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

// Widths that fill whole vectors and blocks of accumulators: the attention's (H, H), (E + H, G) and (2H, H) kernels
// run their register-blocked paths.
[Seq2SeqModel(SourceVocabularySize = 40, TargetVocabularySize = 37, EmbeddingSize = 24, HiddenSize = 48,
              Layers = 2, Cell = RecurrentCell.Gru, MaxSourceLength = 8, MaxTargetLength = 8, Attention = AttentionKind.Bahdanau)]
public partial class WideBahdanauGru2;

[Seq2SeqModel(SourceVocabularySize = 40, TargetVocabularySize = 37, EmbeddingSize = 24, HiddenSize = 48,
              Layers = 1, Cell = RecurrentCell.Lstm, MaxSourceLength = 8, MaxTargetLength = 8, Attention = AttentionKind.LuongGeneral)]
public partial class WideLuongGeneralLstm;
