namespace StaticSeq2Seq.Generators.Validation;

/// <summary>
/// The documented range of every attribute argument, with the reason each bound exists. The analyzer's
/// messages quote these, and the README's diagnostic table repeats them.
/// </summary>
internal static class Limits
{
    /// <summary>Four ids are reserved (PAD, SOS, EOS, UNK); a vocabulary needs at least one real token more.</summary>
    public const int MinVocabularySize = 5;

    /// <summary>An embedding table of 1M rows by the largest embedding still fits the int offsets of one flat buffer.</summary>
    public const int MaxVocabularySize = 1_000_000;

    /// <summary>Embedding and hidden widths above this make single matrices of over 2^26 floats, far past the caches the kernels are written for.</summary>
    public const int MaxWidth = 4096;

    /// <summary>Layers are unrolled into the emitted code; more than this would bloat it for no gain a small RNN sees.</summary>
    public const int MaxLayers = 8;

    /// <summary>The workspace keeps every step's activations for backpropagation through time, so length bounds its memory.</summary>
    public const int MaxSequenceLength = 1024;

    /// <summary>Offsets are emitted as int constants: every parameter must sit below int.MaxValue floats (8 GiB).</summary>
    public const long MaxParameterCount = int.MaxValue;

    public const string VocabularyReason = "four ids are reserved for PAD, SOS, EOS and UNK, and the flat parameter buffer is indexed by int";
    public const string WidthReason = "larger matrices outgrow the caches the generated kernels are blocked for";
    public const string LayersReason = "layers are unrolled into the generated code";
    public const string LengthReason = "the workspace keeps every step's activations for backpropagation through time";
}
