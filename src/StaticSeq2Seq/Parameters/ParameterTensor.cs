using System;
using System.Collections.Immutable;

namespace StaticSeq2Seq.Parameters;

/// <summary>
/// One named tensor inside a model's flat parameter buffer.
/// </summary>
/// <param name="Name">The PyTorch state-dict name, such as <c>encoder.rnn.weight_ih_l0</c>.</param>
/// <param name="Offset">Index of the first float in the flat buffer; always a multiple of 16 (64 bytes).</param>
/// <param name="Shape">The PyTorch shape: <c>[rows, columns]</c> for a matrix, <c>[length]</c> for a vector.</param>
/// <param name="Transposed">
/// True when the buffer holds the matrix column by column (PyTorch's <c>W.T</c>, row-major): the generated
/// kernels read one input's weights for every output as a contiguous row.
/// </param>
/// <param name="Init">How the tensor is initialised.</param>
/// <param name="InitBound">The bound of <see cref="ParameterInit.Uniform"/>; unused for <see cref="ParameterInit.Normal"/>.</param>
public sealed record ParameterTensor(
    string Name,
    int Offset,
    ImmutableArray<int> Shape,
    bool Transposed,
    ParameterInit Init,
    float InitBound)
{
    /// <summary>Number of floats the tensor holds.</summary>
    public int Length
    {
        get
        {
            var length = 1;
            foreach (var dimension in Shape)
            {
                length *= dimension;
            }
            return length;
        }
    }

    /// <summary>Copies the tensor out of <paramref name="buffer"/> in PyTorch's row-major order.</summary>
    /// <exception cref="ArgumentException">A span is too short for the tensor.</exception>
    public void CopyToPyTorchOrder(ReadOnlySpan<float> buffer, Span<float> destination)
    {
        CheckLengths(buffer.Length, destination.Length);
        var stored = buffer.Slice(Offset, Length);
        if (!Transposed)
        {
            stored.CopyTo(destination);
            return;
        }
        int rows = Shape[0], columns = Shape[1];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                destination[r * columns + c] = stored[c * rows + r];
            }
        }
    }

    /// <summary>Writes the tensor into <paramref name="buffer"/> from PyTorch's row-major order.</summary>
    /// <exception cref="ArgumentException">A span is too short for the tensor.</exception>
    public void CopyFromPyTorchOrder(ReadOnlySpan<float> source, Span<float> buffer)
    {
        CheckLengths(buffer.Length, source.Length);
        var stored = buffer.Slice(Offset, Length);
        if (!Transposed)
        {
            source[..Length].CopyTo(stored);
            return;
        }
        int rows = Shape[0], columns = Shape[1];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                stored[c * rows + r] = source[r * columns + c];
            }
        }
    }

    private void CheckLengths(int bufferLength, int pyTorchLength)
    {
        if (pyTorchLength < Length)
        {
            throw new ArgumentException($"Tensor '{Name}' holds {Length} values; the span offered has room for {pyTorchLength}.");
        }
        if (bufferLength < Offset + Length)
        {
            throw new ArgumentException($"Tensor '{Name}' ends at float {Offset + Length} but the parameter buffer holds {bufferLength}.");
        }
    }
}
