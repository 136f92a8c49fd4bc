using StaticSeq2Seq;

namespace StaticSeq2Seq.Tests.Models;

// The sizes of TinyGru: no width is a multiple of a vector (G = 4H = 28 too), so every kernel runs its tails.

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 1, Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5)]
public partial class TinyLstm;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 2, Cell = RecurrentCell.Lstm, MaxSourceLength = 6, MaxTargetLength = 5)]
public partial class TinyLstm2;
