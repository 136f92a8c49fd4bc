using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Planning;

/// <summary>
/// Decides which recurrent stacks run their layer 0's input side over all steps at once: the input product
/// W_ih x_t + b_ih of every step as one matrix-matrix product before the recurrence, and dL/dx_t of every step as one
/// after the recurrent backward, where stepping through the recurrence streams the (E, G) weights once per step.
/// </summary>
internal static class InputProductsRule
{
    /// <summary>
    /// A one-way encoder's layer 0 reads the source embeddings, all known before the recurrence. A bidirectional encoder's
    /// layers run direction by direction through their own passes, which keep the per-step product.
    /// </summary>
    public static bool AppliesToEncoder(ModelShape shape) => !shape.BidirectionalEncoder;

    /// <summary>
    /// The decoder's layer 0 without attention: teacher-forced, it reads the embeddings of SOS and the target, all known
    /// before the recurrence (free running, each input is the previous step's prediction, so those passes keep the
    /// per-step product; the backward pass runs over the recorded inputs either way). With attention the decoder's step
    /// is the attention's (Bahdanau's layer 0 also reads the context, which changes every step), so it keeps the per-step
    /// product.
    /// </summary>
    public static bool AppliesToDecoder(ModelShape shape) => !shape.HasAttention;
}
