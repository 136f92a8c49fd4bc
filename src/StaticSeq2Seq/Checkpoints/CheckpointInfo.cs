using System.Collections.Generic;
using StaticSeq2Seq.Data;

namespace StaticSeq2Seq.Checkpoints;

/// <summary>What a checkpoint holds besides its tensors: the model's shape, the vocabularies and the training state.</summary>
public sealed class CheckpointInfo
{
    internal CheckpointInfo(
        int formatVersion,
        ModelShape? shape,
        Vocabulary? sourceVocabulary,
        Vocabulary? targetVocabulary,
        CheckpointTrainingState? training,
        IReadOnlyList<string> tensorNames,
        IReadOnlyDictionary<string, string> metadata)
    {
        FormatVersion = formatVersion;
        Shape = shape;
        SourceVocabulary = sourceVocabulary;
        TargetVocabulary = targetVocabulary;
        Training = training;
        TensorNames = tensorNames;
        Metadata = metadata;
    }

    /// <summary>
    /// The StaticSeq2Seq format version the file was written with (see <see cref="Checkpoint.FormatVersion"/>), or 0
    /// for a safetensors file written elsewhere, such as a PyTorch state dict, which holds weights only.
    /// </summary>
    public int FormatVersion { get; }

    /// <summary>The shape of the model the checkpoint was saved from; null in a file written elsewhere.</summary>
    public ModelShape? Shape { get; }

    /// <summary>The source vocabulary saved with the model, or null if none was.</summary>
    public Vocabulary? SourceVocabulary { get; }

    /// <summary>The target vocabulary saved with the model, or null if none was.</summary>
    public Vocabulary? TargetVocabulary { get; }

    /// <summary>The trainer's and optimizer's state, or null when the checkpoint was saved without a trainer.</summary>
    public CheckpointTrainingState? Training { get; }

    /// <summary>
    /// Every tensor's name, in the header's order; this library writes the model's tensors in layout order, then the
    /// optimizer's (see <see cref="Checkpoint.OptimizerPrefix"/>).
    /// </summary>
    public IReadOnlyList<string> TensorNames { get; }

    /// <summary>The header's <c>__metadata__</c> entries as stored: strings, JSON for structured values (see <see cref="Checkpoint"/>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}
