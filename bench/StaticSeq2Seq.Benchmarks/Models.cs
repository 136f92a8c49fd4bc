using StaticSeq2Seq;

namespace StaticSeq2Seq.Benchmarks;

/// <summary>Configuration S ("IoT"): vocabularies 64, embedding 32, hidden 64, one GRU layer, length 16.</summary>
[Seq2SeqModel(SourceVocabularySize = 64, TargetVocabularySize = 64, EmbeddingSize = 32, HiddenSize = 64,
              Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 16, MaxTargetLength = 16)]
public partial class ModelS;
