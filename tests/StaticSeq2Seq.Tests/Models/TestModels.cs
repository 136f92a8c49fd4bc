using StaticSeq2Seq;

namespace StaticSeq2Seq.Tests.Models;

// Deliberately awkward sizes: no width is a multiple of a vector, so every kernel runs its tails.

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 6, MaxTargetLength = 5)]
public partial class TinyGru;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 2, Cell = RecurrentCell.Gru, MaxSourceLength = 6, MaxTargetLength = 5)]
public partial class TinyGru2;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 1, Cell = RecurrentCell.Rnn, MaxSourceLength = 6, MaxTargetLength = 5)]
public partial class TinyRnn;

[Seq2SeqModel(SourceVocabularySize = 11, TargetVocabularySize = 13, EmbeddingSize = 5, HiddenSize = 7,
              Layers = 2, Cell = RecurrentCell.Rnn, MaxSourceLength = 6, MaxTargetLength = 5)]
public partial class TinyRnn2;

// Sizes that fill whole vectors and blocks of accumulators: exercises the register-blocked paths.
[Seq2SeqModel(SourceVocabularySize = 40, TargetVocabularySize = 37, EmbeddingSize = 24, HiddenSize = 48,
              Layers = 2, Cell = RecurrentCell.Gru, MaxSourceLength = 8, MaxTargetLength = 8)]
public partial class WideGru;
