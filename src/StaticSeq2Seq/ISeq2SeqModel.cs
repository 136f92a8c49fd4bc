using System;
using StaticSeq2Seq.Decoding;
using StaticSeq2Seq.Parameters;

namespace StaticSeq2Seq;

/// <summary>
/// What every generated model offers the runtime. A class annotated with <see cref="Seq2SeqModelAttribute"/>
/// implements it through generated code; the trainer, optimizers and decoders work against it.
/// </summary>
public interface ISeq2SeqModel : IStepDecoder
{
    /// <summary>The declared shape.</summary>
    ModelShape Shape { get; }

    /// <summary>The parameter tensors' names, offsets and shapes in <see cref="Parameters"/>.</summary>
    ParameterLayout Layout { get; }

    /// <summary>All parameters, in <see cref="Layout"/>'s order, 64-byte aligned.</summary>
    Span<float> Parameters { get; }

    /// <summary>Initialises every parameter as PyTorch initialises the same modules, from <paramref name="seed"/>.</summary>
    void InitializeParameters(ulong seed);

    /// <summary>A new per-thread workspace for this model.</summary>
    Seq2SeqWorkspace CreateWorkspace();

    /// <summary>
    /// Runs the model with teacher forcing and returns <c>L = sum_i -log p(y_i | y_&lt;i, x)</c> over the target
    /// with EOS appended. Keeps in <paramref name="workspace"/> what <see cref="Backward"/> needs.
    /// </summary>
    /// <exception cref="ArgumentException">The workspace belongs to another model, a sequence is empty or too long, or a token id is outside its vocabulary.</exception>
    float Forward(Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, ReadOnlySpan<int> target);

    /// <summary>
    /// Adds <paramref name="lossScale"/> times the gradient of the last <see cref="Forward"/>'s loss into
    /// <paramref name="gradients"/>, which has the layout of <see cref="Parameters"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No forward pass is held by the workspace.</exception>
    /// <exception cref="ArgumentException">The gradient buffer is shorter than the parameters.</exception>
    void Backward(Seq2SeqWorkspace workspace, Span<float> gradients, float lossScale);

    /// <summary>
    /// Greedy decoding: writes the most likely token at each step into <paramref name="output"/> until EOS or the
    /// maximum target length, and returns how many tokens it wrote (EOS is not written).
    /// </summary>
    /// <exception cref="ArgumentException">The workspace belongs to another model, the source is empty, too long or holds an unknown id, or <paramref name="output"/> is shorter than the maximum target length.</exception>
    int DecodeGreedy(Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, Span<int> output);

    /// <summary>
    /// The attention weights of decoder step <paramref name="step"/> of the last <see cref="Forward"/> or
    /// <see cref="DecodeGreedy"/> on <paramref name="workspace"/>: one weight per source token, summing to 1. Step 0
    /// reads SOS; a forward pass has the target's length plus one steps, a greedy decode one per token it wrote plus
    /// one for EOS (unless it stopped at the maximum length). The span points into the workspace, so the next
    /// forward pass or decode overwrites it, and step-wise decoding (<see cref="Decoding.IStepDecoder.BeginDecode"/>)
    /// leaves no steps to read. Models declared without attention return an empty span.
    /// </summary>
    /// <exception cref="ArgumentException">The workspace belongs to another model.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The model has attention and <paramref name="step"/> is negative or not below the number of decoder steps of the last forward pass or decode.</exception>
    ReadOnlySpan<float> GetAttentionWeights(Seq2SeqWorkspace workspace, int step) => ReadOnlySpan<float>.Empty;

    /// <summary>
    /// Writes the logits (the output layer's values before softmax) of decoder step <paramref name="step"/> of the last
    /// <see cref="Forward"/> or <see cref="DecodeGreedy"/> on <paramref name="workspace"/> into the first
    /// <see cref="ModelShape.TargetVocabularySize"/> floats of <paramref name="logits"/>: to compare them with another
    /// implementation (such as PyTorch's) or to inspect a decode. Steps count as for <see cref="GetAttentionWeights"/>.
    /// They are recomputed from the decoder state the workspace keeps, with the kernel the pass itself used, so they
    /// are the values the loss and the argmax read; the call costs one output projection and allocates nothing.
    /// Generated models implement it; a model that keeps no logits throws <see cref="NotSupportedException"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The workspace belongs to another model, or <paramref name="logits"/> is shorter than the target vocabulary.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative or not below the number of decoder steps of the last forward pass or decode.</exception>
    void ComputeLogits(Seq2SeqWorkspace workspace, int step, Span<float> logits) =>
        throw new NotSupportedException($"{GetType().Name} keeps no logits; models generated by StaticSeq2Seq do.");
}
