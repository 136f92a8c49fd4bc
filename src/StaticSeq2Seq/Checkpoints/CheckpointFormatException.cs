using System;

namespace StaticSeq2Seq.Checkpoints;

/// <summary>
/// The file is not a well-formed checkpoint: it is truncated, its header is not the JSON safetensors requires,
/// a tensor's dtype, shape or byte range is wrong, or a metadata value cannot be read. The message names the
/// tensor or field at fault. The file is damaged or was not written as a safetensors file; load an earlier
/// checkpoint, or write this one again.
/// </summary>
public sealed class CheckpointFormatException : CheckpointException
{
    /// <summary>Creates the exception for the checkpoint at <paramref name="path"/>.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="message">What was wrong, naming the tensor or field, and what to do.</param>
    /// <param name="innerException">The error that revealed the problem, if any.</param>
    public CheckpointFormatException(string path, string message, Exception? innerException = null)
        : base(path, message, innerException)
    {
    }
}
