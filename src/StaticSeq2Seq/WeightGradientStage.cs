using System;
using StaticSeq2Seq.Parameters;

namespace StaticSeq2Seq;

/// <summary>
/// Where backward passes leave the rows of their all-steps weight gradients (each weight's inputs and output gradients,
/// one row per step) instead of adding them, so that a few pairs' rows go into the gradient buffer in one pass per weight
/// (<see cref="ISeq2SeqModel.AddStagedWeightGradients"/>) rather than one pass per pair. Each weight gradient sums its
/// rows in order onto what the buffer held, so staging the pairs in order and adding them once gives the bits that adding
/// pair after pair gives. Create one per thread with <see cref="ISeq2SeqModel.CreateWeightGradientStage"/> and reuse it.
/// </summary>
public sealed class WeightGradientStage
{
    /// <summary>Pairs a stage holds before their weight gradients must be added.</summary>
    public const int PairCapacity = 4;

    private readonly AlignedBuffer floats;

    /// <summary>Creates a stage; generated models call this with their own constant size.</summary>
    /// <param name="owner">The model type the offsets inside belong to.</param>
    /// <param name="floatCount">Floats of staged rows: <see cref="PairCapacity"/> pairs of the longest sequences.</param>
    /// <exception cref="ArgumentNullException"><paramref name="owner"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="floatCount"/> is negative.</exception>
    public WeightGradientStage(Type owner, int floatCount)
    {
        ArgumentNullException.ThrowIfNull(owner);
        Owner = owner;
        floats = new AlignedBuffer(floatCount);
    }

    /// <summary>The model type this stage was made for.</summary>
    public Type Owner { get; }

    /// <summary>The staged rows, 64-byte aligned, at the owner's offsets.</summary>
    public Span<float> Floats => floats.Span;

    /// <summary>Pairs staged since the stage was last emptied.</summary>
    public int Pairs { get; private set; }

    /// <summary>Rows staged per weight over the decoder's steps: the staged pairs' decoder steps, summed.</summary>
    public int DecoderRows { get; private set; }

    /// <summary>Rows staged per weight over the source positions: the staged pairs' source lengths, summed.</summary>
    public int SourceRows { get; private set; }

    /// <summary>
    /// Copies one pair's rows of one weight gradient after the rows already staged for it: <paramref name="inputs"/> and
    /// <paramref name="outputGradients"/>, <paramref name="rows"/> rows each, to the owner's offsets.
    /// </summary>
    /// <param name="inputsOffset">Where the weight's staged input rows start.</param>
    /// <param name="outputGradientsOffset">Where the weight's staged output-gradient rows start.</param>
    /// <param name="inputs">The pair's input rows, (rows, in).</param>
    /// <param name="outputGradients">The pair's output-gradient rows, (rows, out).</param>
    /// <param name="rows">Rows of this pair.</param>
    /// <param name="overSource">The rows are source positions rather than decoder steps.</param>
    /// <exception cref="ArgumentException">The rows do not fit: the stage already holds <see cref="PairCapacity"/> pairs of the longest sequences.</exception>
    public void Keep(int inputsOffset, int outputGradientsOffset, ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradients, int rows, bool overSource)
    {
        if (rows == 0)
        {
            return;
        }
        var before = overSource ? SourceRows : DecoderRows;
        var span = Floats;
        inputs.CopyTo(span.Slice(inputsOffset + before * (inputs.Length / rows)));
        outputGradients.CopyTo(span.Slice(outputGradientsOffset + before * (outputGradients.Length / rows)));
    }

    /// <summary>Counts one more staged pair, with its decoder steps and source length, once all its rows are kept.</summary>
    public void EndPair(int decoderSteps, int sourceLength)
    {
        Pairs++;
        DecoderRows += decoderSteps;
        SourceRows += sourceLength;
    }

    /// <summary>Empties the stage, once its rows were added.</summary>
    public void Clear()
    {
        Pairs = 0;
        DecoderRows = 0;
        SourceRows = 0;
    }
}
