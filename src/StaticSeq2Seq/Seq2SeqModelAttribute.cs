using System;

namespace StaticSeq2Seq;

/// <summary>
/// Declares a sequence-to-sequence model of a fixed shape. The StaticSeq2Seq generator completes the
/// annotated <c>partial class</c> with the parameter layout, forward and backward passes, and greedy
/// decoding for exactly that shape; the class then implements <see cref="ISeq2SeqModel"/>.
/// </summary>
/// <example>
/// <code>
/// [Seq2SeqModel(SourceVocabularySize = 24, TargetVocabularySize = 24, EmbeddingSize = 32, HiddenSize = 128,
///               MaxSourceLength = 10, MaxTargetLength = 10, Cell = RecurrentCell.Gru)]
/// public partial class Reverser;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class Seq2SeqModelAttribute : Attribute
{
    /// <summary>Number of source tokens, including the four special tokens (PAD, SOS, EOS, UNK). Required.</summary>
    public int SourceVocabularySize { get; set; }

    /// <summary>Number of target tokens, including the four special tokens (PAD, SOS, EOS, UNK). Required.</summary>
    public int TargetVocabularySize { get; set; }

    /// <summary>Width of the source and target word embeddings. Default 64.</summary>
    public int EmbeddingSize { get; set; } = 64;

    /// <summary>Width of every recurrent layer's hidden state, encoder and decoder alike. Default 128.</summary>
    public int HiddenSize { get; set; } = 128;

    /// <summary>Number of stacked recurrent layers in the encoder and in the decoder. Default 1.</summary>
    public int Layers { get; set; } = 1;

    /// <summary>The recurrent cell of the encoder and decoder. Default <see cref="RecurrentCell.Gru"/>.</summary>
    public RecurrentCell Cell { get; set; } = RecurrentCell.Gru;

    /// <summary>Longest source sequence the model accepts, in tokens. Default 32.</summary>
    public int MaxSourceLength { get; set; } = 32;

    /// <summary>Longest target sequence the model trains on or decodes, in tokens, not counting EOS. Default 32.</summary>
    public int MaxTargetLength { get; set; } = 32;

    /// <summary>How the decoder attends to the encoder's states. Default <see cref="AttentionKind.None"/>.</summary>
    public AttentionKind Attention { get; set; } = AttentionKind.None;

    /// <summary>
    /// Whether each encoder layer also reads the source backwards. Default false.
    /// </summary>
    /// <remarks>
    /// Every encoder layer then runs a forward direction over the real source and a reverse direction that starts at
    /// its last real token (as <c>pack_padded_sequence</c> does); the layer above reads the concatenation
    /// [forward ; reverse] (2H wide), as <c>torch.nn.GRU(bidirectional: true)</c> stacks its layers, and the reverse
    /// direction's tensors carry PyTorch's names (<c>encoder.rnn.weight_ih_l0_reverse</c>, ...). The bridge to the
    /// decoder sums the directions, as the PyTorch chatbot tutorial does: the encoder output at position j, which
    /// attention reads, is out_forward_j + out_reverse_j (H wide), and the decoder's layer l starts from
    /// h_forward_final_l + h_reverse_final_l (an LSTM's cell state likewise).
    /// </remarks>
    public bool BidirectionalEncoder { get; set; }

    /// <summary>
    /// The format of the weights decoding multiplies by. Default <see cref="DecodeWeightFormat.Float32"/>;
    /// <see cref="DecodeWeightFormat.BFloat16"/> halves what a decoder step streams, for decoders whose weights
    /// outgrow the caches, at the accuracy cost of 8-bit mantissas; <see cref="DecodeWeightFormat.Int8"/> quarters it,
    /// at the cost of 255 levels per output row; <see cref="DecodeWeightFormat.Int8Dynamic"/> also quantizes each
    /// product's input vector, so the products are integer dot products (and a one-way encoder's recurrent matrices are
    /// read in int8 too), at the cost of 255 levels per input vector as well. Training is unaffected.
    /// </summary>
    public DecodeWeightFormat DecodeWeights { get; set; } = DecodeWeightFormat.Float32;
}
