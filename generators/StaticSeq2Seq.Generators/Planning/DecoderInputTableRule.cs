using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Planning;

/// <summary>
/// Decides whether decoding reads the decoder's first-layer input product, W_ih · embedding[token] + b_ih, from a
/// table with one row per target token instead of computing it at every step. A step then reads G floats of the
/// table in place of the (E, G) input weights and the embedding row; the table costs V × G floats of memory and
/// V × E × G multiply-adds to rebuild after each change of the parameters (as many as V decoder steps' input
/// products), so it is built only while it stays within <see cref="BudgetBytes"/>.
/// </summary>
internal static class DecoderInputTableRule
{
    /// <summary>
    /// The largest table: an eighth of the 2 MiB of L2 cache a core has on current x64 servers, so the rows a decode
    /// visits stay in the cache next to the recurrent and output weights, and a rebuild costs at most 64 K multiply-adds
    /// per embedding dimension.
    /// </summary>
    public const int BudgetBytes = 256 * 1024;

    /// <summary>
    /// True when the table is built: the first layer reads the embedding alone (Bahdanau attention adds the context,
    /// whose product changes every step) and V × G floats fit <see cref="BudgetBytes"/>.
    /// </summary>
    public static bool Applies(ModelShape shape) =>
        shape.Attention != AttentionKind.Bahdanau && TableBytes(shape) <= BudgetBytes;

    public static long TableBytes(ModelShape shape) => 4L * shape.TargetVocabularySize * shape.GateSize;
}
