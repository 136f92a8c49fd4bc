using StaticSeq2Seq;

namespace Reverse;

/// <summary>
/// Reads a sequence of up to 10 words from a vocabulary of 20 and writes it backwards. 24 ids: the 20 words
/// after PAD, SOS, EOS and UNK.
/// </summary>
[Seq2SeqModel(SourceVocabularySize = 24, TargetVocabularySize = 24, EmbeddingSize = 32, HiddenSize = 128,
              Layers = 1, Cell = RecurrentCell.Gru, MaxSourceLength = 10, MaxTargetLength = 10)]
public partial class Reverser;
