using System;
using System.Runtime.InteropServices;

namespace StaticSeq2Seq.Parameters;

/// <summary>
/// A zero-initialised <see cref="float"/> buffer whose first element sits on a 64-byte boundary, so that
/// a tensor at an offset that is a multiple of 16 floats starts on a cache line and a full 512-bit vector.
/// </summary>
public sealed class AlignedBuffer
{
    /// <summary>The alignment of the first element, in bytes.</summary>
    public const int AlignmentBytes = 64;

    private const int AlignmentFloats = AlignmentBytes / sizeof(float);

    private readonly float[] storage;
    private readonly int start;

    /// <summary>Allocates <paramref name="length"/> zeroed floats.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        // Pinned so the aligned start found here stays aligned for the buffer's whole life.
        storage = GC.AllocateArray<float>(length + AlignmentFloats, pinned: true);
        start = FirstAlignedIndex(storage);
    }

    /// <summary>Number of floats.</summary>
    public int Length { get; }

    /// <summary>The buffer's contents.</summary>
    public Span<float> Span => storage.AsSpan(start, Length);

    private static unsafe int FirstAlignedIndex(float[] array)
    {
        fixed (float* first = array)
        {
            var misalignment = (int)((nuint)first % AlignmentBytes);
            return misalignment == 0 ? 0 : (AlignmentBytes - misalignment) / sizeof(float);
        }
    }
}
