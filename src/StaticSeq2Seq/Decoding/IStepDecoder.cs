using System;

namespace StaticSeq2Seq.Decoding;

/// <summary>
/// A model's decoder one step at a time, with its state held by the caller: what search strategies beyond
/// greedy (beam search) need to keep several hypotheses alive at once. Generated models implement it.
/// </summary>
public interface IStepDecoder
{
    /// <summary>Floats of decoder state one hypothesis carries (every layer's hidden state, and cell state for an LSTM).</summary>
    int DecoderStateSize { get; }

    /// <summary>Runs the encoder over <paramref name="source"/> and writes the decoder's initial state.</summary>
    /// <exception cref="ArgumentException">The workspace belongs to another model, the source is empty, too long or holds an unknown id, or <paramref name="initialState"/> is shorter than <see cref="DecoderStateSize"/>.</exception>
    void BeginDecode(Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, Span<float> initialState);

    /// <summary>
    /// One decoder step from <paramref name="state"/> reading <paramref name="token"/>: writes the next state and the
    /// logits of the next token (as many as the target vocabulary). Valid after <see cref="BeginDecode"/> on the same workspace.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer is too short, or the token is outside the target vocabulary.</exception>
    void DecodeStep(Seq2SeqWorkspace workspace, ReadOnlySpan<float> state, int token, Span<float> nextState, Span<float> logits);

    /// <summary>
    /// <see cref="DecodeStep"/> for several hypotheses at once, one per token of <paramref name="tokens"/>: hypothesis k
    /// reads the state at k × <see cref="DecoderStateSize"/> of <paramref name="states"/> and writes its next state at the
    /// same place in <paramref name="nextStates"/>, its logits at k × (target vocabulary size) of <paramref name="logits"/>,
    /// and, unless <paramref name="attentionWeights"/> is empty, its attention weights at k × MaxSourceLength of it (the
    /// first source-length of them; models without attention write none). The values are those <see cref="DecodeStep"/>
    /// gives one hypothesis at a time, bit for bit. Generated models decoding from their float parameters compute each of
    /// the step's products (recurrent layers, attention, output projection) for every hypothesis in one matrix-matrix
    /// product, so each matrix is read once per step, not once per hypothesis; from a bfloat16 or int8 copy, the output
    /// projection's logits and the recurrence run one hypothesis at a time.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A buffer is too short for <paramref name="tokens"/>' count of hypotheses (<paramref name="attentionWeights"/> may be
    /// empty), or a token is outside the target vocabulary.
    /// </exception>
    void DecodeSteps(Seq2SeqWorkspace workspace, ReadOnlySpan<float> states, ReadOnlySpan<int> tokens, Span<float> nextStates, Span<float> logits, Span<float> attentionWeights);

    /// <summary>
    /// The attention weights of the last <see cref="DecodeStep"/> on <paramref name="workspace"/>: one per source token,
    /// summing to 1. Valid after a step; the span points into the workspace, so the next step overwrites it. Models
    /// declared without attention return an empty span.
    /// </summary>
    /// <exception cref="ArgumentException">The workspace belongs to another model.</exception>
    ReadOnlySpan<float> GetStepAttentionWeights(Seq2SeqWorkspace workspace) => ReadOnlySpan<float>.Empty;
}
