namespace StaticSeq2Seq;

/// <summary>
/// How the decoder looks back at the encoder. The keys are the encoder's top-layer states <c>k_1..k_T</c> of the
/// real source (positions past its length are never scored); at each decoder step a softmax over their scores
/// weighs them into a context <c>c = Σ a_j k_j</c>. Every kind keeps each step's weights, which
/// <see cref="ISeq2SeqModel.GetAttentionWeights"/> returns.
/// </summary>
public enum AttentionKind
{
    /// <summary>No attention: the decoder sees the source only through the encoder's final state.</summary>
    None = 0,

    /// <summary>
    /// Luong et al. (2015) global attention with the dot score, after the decoder's step: with <c>h</c> the top layer's
    /// new state, <c>score_j = h · k_j</c>, then <c>h̃ = tanh(W_c [c ; h] + b_c)</c> feeds the output projection.
    /// Adds <c>decoder.attention.Wc.weight</c> (H, 2H) and <c>decoder.attention.Wc.bias</c> (H).
    /// </summary>
    LuongDot = 1,

    /// <summary>
    /// Luong et al. (2015) global attention with the general score <c>score_j = h · (W_a k_j)</c>, otherwise as
    /// <see cref="LuongDot"/>. Adds <c>decoder.attention.Wa.weight</c> (H, H), without bias, to LuongDot's tensors.
    /// </summary>
    LuongGeneral = 2,

    /// <summary>
    /// Bahdanau et al. (2015) additive attention, as the PyTorch seq2seq tutorial's <c>BahdanauAttention</c> and
    /// <c>AttnDecoderRNN</c>: before the decoder's step, with <c>q</c> the top layer's previous state,
    /// <c>score_j = V_a · tanh(W_a q + b_a + U_a k_j + b_Ua) + b_Va</c>, and the decoder's first layer reads
    /// <c>[embedding ; c]</c> (E + H wide). Adds <c>decoder.attention.Wa</c>, <c>.Ua</c> (H, H) and <c>.Va</c> (1, H),
    /// each a weight and a bias.
    /// </summary>
    Bahdanau = 3,
}
