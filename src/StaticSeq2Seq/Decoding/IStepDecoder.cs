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
    /// The attention weights of the last <see cref="DecodeStep"/> on <paramref name="workspace"/>: one per source token,
    /// summing to 1. Valid after a step; the span points into the workspace, so the next step overwrites it. Models
    /// declared without attention return an empty span.
    /// </summary>
    /// <exception cref="ArgumentException">The workspace belongs to another model.</exception>
    ReadOnlySpan<float> GetStepAttentionWeights(Seq2SeqWorkspace workspace) => ReadOnlySpan<float>.Empty;
}
