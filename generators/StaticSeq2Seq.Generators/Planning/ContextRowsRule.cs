using System.Collections.Generic;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Planning;

/// <summary>
/// Bahdanau's decoder layer 0 reads [embedding ; context], and the context c_i = Σ_j a_ij k_j changes every step. Its
/// W_ih rows of the context, W_ctx (H, G), are linear, so W_ctx c_i = Σ_j a_ij (W_ctx k_j): training multiplies every encoder
/// output k_j by W_ctx once per source, in one matrix-matrix product, into the rows P_j of ContextGates, and each step adds
/// Σ_j a_ij P_j to its gates (S x G multiply-adds) instead of multiplying W_ctx by c_i (H x G, the whole matrix streamed
/// from the caches once per step). The backward pass follows: dL/da_ij = dg_i · P_j, and dP_j = Σ_i a_ij dg_i gathers
/// over the steps, then dW_ctx += Σ_j k_j dP_j^T and dL/dk_j += W_ctx^T dP_j once per source. The sums are W_ctx c_i's in
/// another order. Decoding keeps the per-step product: it may stop at EOS after a few steps, and its paths (greedy, step,
/// beam, narrowed copies) give one another's bits.
/// </summary>
internal static class ContextRowsRule
{
    public static bool Applies(ModelShape shape) => shape.Attention == AttentionKind.Bahdanau;

    /// <summary>The all-steps kernels over the source positions: W_ctx k_j without a bias (b_ih is the embedding rows').</summary>
    public static IEnumerable<LinearKernelPlan> Kernels(ModelShape shape) =>
        Applies(shape) ? [new LinearKernelPlan(shape.HiddenSize, shape.GateSize, HasBias: false)] : [];
}
