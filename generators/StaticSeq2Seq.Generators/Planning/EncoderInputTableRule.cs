using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Planning;

/// <summary>
/// Decides whether decoding reads the encoder's layer 0 input product, W_ih · embedding[token] + b_ih, from a table with
/// one row per source token instead of multiplying the source's embeddings by W_ih for every source: the encoder's
/// counterpart of <see cref="DecoderInputTableRule"/>, under the same budget. Training keeps computing the product,
/// since dropout and the gradients need the embeddings themselves.
/// </summary>
internal static class EncoderInputTableRule
{
    /// <summary>
    /// True when the table is built: a one-way encoder, whose layer 0 takes its input products over all steps at once
    /// (<see cref="InputProductsRule.AppliesToEncoder"/>), and V_source × G floats within
    /// <see cref="DecoderInputTableRule.BudgetBytes"/>.
    /// </summary>
    public static bool Applies(ModelShape shape) =>
        InputProductsRule.AppliesToEncoder(shape) && TableBytes(shape) <= DecoderInputTableRule.BudgetBytes;

    public static long TableBytes(ModelShape shape) => 4L * shape.SourceVocabularySize * shape.GateSize;
}
