using System.Collections.Immutable;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Parameters;

namespace StaticSeq2Seq.Tests.Training;

/// <summary>
/// A stand-in for a generated model, simple enough to compute by hand: one weight <c>w[y]</c> per target id, and
/// the loss <c>Σ_y ½(w[y] - c)²</c> over the target with EOS appended, where <c>c = source[0] / 10</c>.
/// Greedy decoding copies the source. It can record the first source token of every forward pass, and turns
/// the loss to NaN for one chosen source token.
/// </summary>
internal sealed class QuadraticTestModel : ISeq2SeqModel
{
    public const int VocabularySize = 32;
    public const int MaxLength = 6;

    private readonly AlignedBuffer parameters = new(VocabularySize);
    private int[] recorded = [];
    private int recordedCount;

    public ModelShape Shape { get; } = new(VocabularySize, VocabularySize, 1, 1, 1, RecurrentCell.Rnn, MaxLength, MaxLength);

    public ParameterLayout Layout { get; } = new(
        [new ParameterTensor("weight", 0, [VocabularySize], false, ParameterInit.Uniform, 1f)],
        VocabularySize);

    public Span<float> Parameters => parameters.Span;

    /// <summary>The source token of <see cref="ValidationPair"/>, whose forward pass returns the next scripted loss.</summary>
    public const int ScriptedSourceToken = VocabularySize - 1;

    /// <summary>A validation pair whose loss is scripted by <see cref="ScriptValidationLosses"/>.</summary>
    public static SequencePair ValidationPair => new([ScriptedSourceToken], [5]);

    private float[] scriptedLosses = [];
    private int scriptedCount;

    /// <summary>Makes the forward passes of <see cref="ValidationPair"/> return <paramref name="losses"/> in turn (one per epoch with one validation pair).</summary>
    public void ScriptValidationLosses(params float[] losses)
    {
        scriptedLosses = losses;
        scriptedCount = 0;
    }

    /// <summary>A source token whose forward pass returns NaN, or -1 for none.</summary>
    public int NaNSourceToken { get; set; } = -1;

    /// <summary>The first source token of each forward pass since <see cref="StartRecording"/>.</summary>
    public ReadOnlySpan<int> RecordedSources => recorded.AsSpan(0, recordedCount);

    public void StartRecording(int capacity)
    {
        recorded = new int[capacity];
        recordedCount = 0;
    }

    public void InitializeParameters(ulong seed) => Layout.Initialize(Parameters, seed);

    public Seq2SeqWorkspace CreateWorkspace() => new(typeof(QuadraticTestModel), floatCount: 1, tokenCount: MaxLength + 1);

    public float Forward(Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, ReadOnlySpan<int> target)
    {
        ModelInputGuard.CheckWorkspace(workspace, typeof(QuadraticTestModel));
        ModelInputGuard.CheckSequence(source, MaxLength, VocabularySize, nameof(source));
        ModelInputGuard.CheckSequence(target, MaxLength, VocabularySize, nameof(target));
        if (recordedCount < recorded.Length)
        {
            recorded[recordedCount++] = source[0];
        }

        if (source[0] == ScriptedSourceToken && scriptedLosses.Length > 0)
        {
            workspace.HoldsForwardPass = false;
            return scriptedLosses[scriptedCount++];
        }
        var c = source[0] == NaNSourceToken ? float.NaN : source[0] / 10f;
        workspace.Floats[0] = c;
        target.CopyTo(workspace.Tokens);
        workspace.Tokens[target.Length] = SpecialTokens.Eos;
        workspace.DecoderSteps = target.Length + 1;
        workspace.HoldsForwardPass = true;

        var w = Parameters;
        var loss = 0f;
        foreach (var y in workspace.Tokens[..workspace.DecoderSteps])
        {
            var residual = w[y] - c;
            loss += 0.5f * residual * residual;
        }
        return loss;
    }

    public void Backward(Seq2SeqWorkspace workspace, Span<float> gradients, float lossScale)
    {
        if (!workspace.HoldsForwardPass)
        {
            throw new InvalidOperationException("No forward pass to differentiate.");
        }
        var c = workspace.Floats[0];
        var w = Parameters;
        foreach (var y in workspace.Tokens[..workspace.DecoderSteps])
        {
            gradients[y] += lossScale * (w[y] - c);
        }
        workspace.HoldsForwardPass = false;
    }

    public int DecodeGreedy(Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, Span<int> output)
    {
        ModelInputGuard.CheckWorkspace(workspace, typeof(QuadraticTestModel));
        ModelInputGuard.CheckSequence(source, MaxLength, VocabularySize, nameof(source));
        ModelInputGuard.CheckLength(output.Length, MaxLength, nameof(output));
        source.CopyTo(output);
        return source.Length;
    }

    // The trainer never decodes step by step; a beam search over this model is a test bug worth hearing about.
    public int DecoderStateSize => 0;

    public void BeginDecode(Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, Span<float> initialState) =>
        throw new NotSupportedException("The quadratic test model has no step-wise decoder.");

    public void DecodeStep(Seq2SeqWorkspace workspace, ReadOnlySpan<float> state, int token, Span<float> nextState, Span<float> logits) =>
        throw new NotSupportedException("The quadratic test model has no step-wise decoder.");

    public void DecodeSteps(Seq2SeqWorkspace workspace, ReadOnlySpan<float> states, ReadOnlySpan<int> tokens, Span<float> nextStates, Span<float> logits, Span<float> attentionWeights) =>
        throw new NotSupportedException("The quadratic test model has no step-wise decoder.");
}
