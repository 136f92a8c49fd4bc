using StaticSeq2Seq;

namespace StaticSeq2Seq.Benchmarks;

/// <summary>Configuration S ("IoT"): vocabularies 64, embedding 32, hidden 64, one GRU layer, no attention, length 16.</summary>
[Seq2SeqModel(SourceVocabularySize = 64, TargetVocabularySize = 64, EmbeddingSize = 32, HiddenSize = 64,
              Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 16, MaxTargetLength = 16)]
public partial class ModelS;

/// <summary>
/// Configuration M ("tutorial"): vocabularies 2000, embedding 128, hidden 256, one GRU layer, Bahdanau attention
/// (the PyTorch translation tutorial's decoder), length 20.
/// </summary>
[Seq2SeqModel(SourceVocabularySize = 2000, TargetVocabularySize = 2000, EmbeddingSize = 128, HiddenSize = 256,
              Layers = 1, Cell = RecurrentCell.Gru, Attention = AttentionKind.Bahdanau,
              MaxSourceLength = 20, MaxTargetLength = 20)]
public partial class ModelM;

/// <summary>Configuration S decoding with bfloat16 weights (<see cref="DecodeWeightFormat.BFloat16"/>).</summary>
[Seq2SeqModel(SourceVocabularySize = 64, TargetVocabularySize = 64, EmbeddingSize = 32, HiddenSize = 64,
              Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 16, MaxTargetLength = 16,
              DecodeWeights = DecodeWeightFormat.BFloat16)]
public partial class ModelSBFloat16;

/// <summary>Configuration M decoding with bfloat16 weights (<see cref="DecodeWeightFormat.BFloat16"/>).</summary>
[Seq2SeqModel(SourceVocabularySize = 2000, TargetVocabularySize = 2000, EmbeddingSize = 128, HiddenSize = 256,
              Layers = 1, Cell = RecurrentCell.Gru, Attention = AttentionKind.Bahdanau,
              MaxSourceLength = 20, MaxTargetLength = 20, DecodeWeights = DecodeWeightFormat.BFloat16)]
public partial class ModelMBFloat16;

/// <summary>Configuration S decoding with int8 weights (<see cref="DecodeWeightFormat.Int8"/>).</summary>
[Seq2SeqModel(SourceVocabularySize = 64, TargetVocabularySize = 64, EmbeddingSize = 32, HiddenSize = 64,
              Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 16, MaxTargetLength = 16,
              DecodeWeights = DecodeWeightFormat.Int8)]
public partial class ModelSInt8;

/// <summary>Configuration M decoding with int8 weights (<see cref="DecodeWeightFormat.Int8"/>).</summary>
[Seq2SeqModel(SourceVocabularySize = 2000, TargetVocabularySize = 2000, EmbeddingSize = 128, HiddenSize = 256,
              Layers = 1, Cell = RecurrentCell.Gru, Attention = AttentionKind.Bahdanau,
              MaxSourceLength = 20, MaxTargetLength = 20, DecodeWeights = DecodeWeightFormat.Int8)]
public partial class ModelMInt8;

/// <summary>Configuration S decoding with int8 weights and activations (<see cref="DecodeWeightFormat.Int8Dynamic"/>).</summary>
[Seq2SeqModel(SourceVocabularySize = 64, TargetVocabularySize = 64, EmbeddingSize = 32, HiddenSize = 64,
              Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 16, MaxTargetLength = 16,
              DecodeWeights = DecodeWeightFormat.Int8Dynamic)]
public partial class ModelSInt8Dynamic;

/// <summary>Configuration M decoding with int8 weights and activations (<see cref="DecodeWeightFormat.Int8Dynamic"/>).</summary>
[Seq2SeqModel(SourceVocabularySize = 2000, TargetVocabularySize = 2000, EmbeddingSize = 128, HiddenSize = 256,
              Layers = 1, Cell = RecurrentCell.Gru, Attention = AttentionKind.Bahdanau,
              MaxSourceLength = 20, MaxTargetLength = 20, DecodeWeights = DecodeWeightFormat.Int8Dynamic)]
public partial class ModelMInt8Dynamic;
