using System;
using StaticSeq2Seq.Parameters;

namespace StaticSeq2Seq;

/// <summary>
/// Per-thread scratch memory of one model: the activations a forward pass keeps for the backward pass,
/// the hidden states of a decode, and the tokens being worked on. Create one per thread with
/// <see cref="ISeq2SeqModel.CreateWorkspace"/> and reuse it: after creation nothing is allocated.
/// </summary>
public sealed class Seq2SeqWorkspace
{
    private readonly AlignedBuffer floats;
    private readonly int[] tokens;

    /// <summary>Creates a workspace; generated models call this with their own constant sizes.</summary>
    /// <param name="owner">The model type the offsets inside belong to.</param>
    /// <param name="floatCount">Floats of activation and gradient scratch.</param>
    /// <param name="tokenCount">Ints of token scratch.</param>
    public Seq2SeqWorkspace(Type owner, int floatCount, int tokenCount)
    {
        ArgumentNullException.ThrowIfNull(owner);
        Owner = owner;
        floats = new AlignedBuffer(floatCount);
        tokens = new int[tokenCount];
    }

    /// <summary>The model type this workspace was made for.</summary>
    public Type Owner { get; }

    /// <summary>Activation memory, 64-byte aligned.</summary>
    public Span<float> Floats => floats.Span;

    /// <summary>Token memory.</summary>
    public Span<int> Tokens => tokens;

    /// <summary>Source length of the last forward pass or greedy decode.</summary>
    public int SourceLength { get; set; }

    /// <summary>Decoder steps of the last forward pass (target length plus the appended EOS) or greedy decode (tokens written, plus one for EOS if it came).</summary>
    public int DecoderSteps { get; set; }

    /// <summary>The training pass of the last forward pass: the backward pass applies its dropout masks again.</summary>
    public TrainingPass Pass { get; set; }

    /// <summary>True between a forward pass and the backward pass that may follow it.</summary>
    public bool HoldsForwardPass { get; set; }
}
