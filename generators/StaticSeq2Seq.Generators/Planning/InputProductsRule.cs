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
    /// <remarks>
    /// The decoder's layer 0 always does: teacher-forced, it reads the embeddings of SOS and the target, all known before
    /// the recurrence (free running, each input is the previous step's prediction, so those passes keep the per-step
    /// product), and the backward pass runs over the recorded inputs either way. See <see cref="ContextRowsRule"/> for
    /// Bahdanau's decoder.
    /// </remarks>
    public static bool AppliesToEncoder(ModelShape shape) => !shape.BidirectionalEncoder;
}
