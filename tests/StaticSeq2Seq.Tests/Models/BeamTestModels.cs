using StaticSeq2Seq;

namespace StaticSeq2Seq.Tests.Models;

// Two real words and four targets at most: every output of the model can be enumerated.
[Seq2SeqModel(SourceVocabularySize = 7, TargetVocabularySize = 6, EmbeddingSize = 4, HiddenSize = 5,
              Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 4, MaxTargetLength = 4)]
public partial class TinyVocabGru;
