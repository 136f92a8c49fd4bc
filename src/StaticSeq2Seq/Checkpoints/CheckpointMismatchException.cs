using System;

namespace StaticSeq2Seq.Checkpoints;

/// <summary>
/// The file is a well-formed checkpoint but does not fit what it is being loaded into: it was written for a model
/// of another shape, its tensors differ from the model's, a vocabulary is larger than the model's, or its
/// training state was made with other training options or another optimizer. The message gives both sides.
/// </summary>
public sealed class CheckpointMismatchException : CheckpointException
{
    /// <summary>Creates the exception for the checkpoint at <paramref name="path"/>.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="message">What differs, with the checkpoint's and the model's or trainer's values, and what to do.</param>
    public CheckpointMismatchException(string path, string message)
        : base(path, message, null)
    {
    }
}
