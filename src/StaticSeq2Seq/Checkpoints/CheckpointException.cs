using System;

namespace StaticSeq2Seq.Checkpoints;

/// <summary>
/// A checkpoint could not be loaded. Catch this type for every checkpoint problem; the two kinds are
/// <see cref="CheckpointFormatException"/> (the file is damaged or is not a safetensors file) and
/// <see cref="CheckpointMismatchException"/> (the file is sound but was written for another model or trainer).
/// Nothing was changed: the model and trainer are as they were before the load.
/// </summary>
public abstract class CheckpointException : Exception
{
    /// <summary>Creates the exception for the checkpoint at <paramref name="path"/>.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="message">What was wrong and what to do, without the path, which is prepended.</param>
    /// <param name="innerException">The error that revealed the problem, if any.</param>
    protected CheckpointException(string path, string message, Exception? innerException)
        : base($"Checkpoint '{path}': {message}", innerException)
    {
        Path = path;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }
}
