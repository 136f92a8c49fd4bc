using StaticSeq2Seq;

namespace StaticSeq2Seq.Tests.Models;

// The cell and attention pairs the other test models leave out, so the PyTorch parity tests cover every cell with
// every attention kind; at the plain models' awkward sizes.

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 1, Cell = RecurrentCell.Rnn, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.LuongGeneral)]
public partial class LuongGeneralRnn;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 2, Cell = RecurrentCell.Rnn, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.Bahdanau)]
public partial class BahdanauRnn2;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.LuongDot)]
public partial class LuongDotGru;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 2, Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5, Attention = AttentionKind.LuongDot)]
public partial class LuongDotLstm2;
