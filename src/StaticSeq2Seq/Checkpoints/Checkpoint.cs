using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Parameters;
using StaticSeq2Seq.Training;

namespace StaticSeq2Seq.Checkpoints;

/// <summary>
/// Saves and loads a model, its vocabularies and, to resume training exactly, its trainer's and optimizer's state,
/// as a <a href="https://github.com/huggingface/safetensors">safetensors</a> file PyTorch reads too.
/// </summary>
/// <remarks>
/// <para>
/// The file is an 8-byte little-endian header length N, N bytes of UTF-8 JSON (padded with spaces to a multiple of 8),
/// then the tensors' raw little-endian bytes. The header maps each tensor's name to
/// <c>{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}</c>. The model's tensors carry the names and
/// shapes of its <see cref="ISeq2SeqModel.Layout"/>, PyTorch's state-dict names, in PyTorch's row-major order, so
/// <c>module.load_state_dict</c> takes them as they are. The optimizer's per-parameter state follows, also in PyTorch's
/// order and under PyTorch's names, as <c>optimizer.exp_avg.&lt;name&gt;</c> and <c>optimizer.exp_avg_sq.&lt;name&gt;</c>
/// (Adam, AdamW) or <c>optimizer.momentum_buffer.&lt;name&gt;</c> (SGD); leave out the keys starting with
/// <see cref="OptimizerPrefix"/> before giving the tensors to a PyTorch module.
/// </para>
/// <para>
/// The header's <c>__metadata__</c> holds strings only, structured values as JSON: <c>format</c> is <c>pt</c>;
/// <c>staticseq2seq.version</c> is <see cref="FormatVersion"/>; <c>staticseq2seq.model_shape</c> is every
/// <see cref="ModelShape"/> field by name; <c>staticseq2seq.source_vocabulary</c> and
/// <c>staticseq2seq.target_vocabulary</c>, when saved, are the tokens in id order; and, when saved with a trainer,
/// <c>staticseq2seq.optimizer</c> (<c>kind</c>, <c>lr</c>, <c>step</c> and the hyperparameters by PyTorch's names) and
/// <c>staticseq2seq.trainer</c> (<c>seed</c>, <c>batch_size</c>, <c>clip_norm</c>, <c>steps_completed</c>,
/// <c>epochs_completed</c>, <c>epoch_pairs_completed</c>, <c>epoch_size</c>, and the learning-rate schedule's and early
/// stopping's state: <c>base_lr</c>, <c>plateau_best</c> (absent before the first validation), <c>plateau_bad_epochs</c>,
/// <c>plateau_cooldown_left</c>, <c>best_validation_loss</c> (absent before the first validation), <c>best_epoch</c> and
/// <c>epochs_without_improvement</c>; a checkpoint without these reads as a run with no schedule state).
/// </para>
/// <para>
/// A save writes a temporary file beside the target, flushes it to disk (fsync), renames it over the target and, on
/// Unix, flushes the folder too (fsync of the folder, which makes the rename itself durable), so a crash or power loss
/// leaves either the old checkpoint or the new one, never a mix, and once Save returns the new one stays. A load checks the whole header (its size against
/// the file's, every entry's dtype, shape and byte range, that the ranges tile the data exactly, the model's shape
/// and tensor names, the trainer's settings) before it reads a tensor, and changes the model and trainer only once
/// every tensor has been read.
/// </para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>The version of the metadata layout this library writes, and the newest it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The prefix of the optimizer-state tensors' names, such as <c>optimizer.exp_avg.decoder.out.weight</c>.</summary>
    public const string OptimizerPrefix = "optimizer.";

    private const int MaxNamesInMessage = 8;

    /// <summary>
    /// Saves <paramref name="model"/>'s parameters, the vocabularies and, if <paramref name="trainer"/> is given, what a
    /// later <see cref="Load"/> needs to continue its training exactly, to <paramref name="path"/>, replacing any file there.
    /// </summary>
    /// <remarks>
    /// Saving from a <see cref="Seq2SeqTrainer.Train"/> progress report (which runs on the training thread between
    /// steps) is fine, within an epoch or at its end: the resumed run finishes that epoch where this one stood.
    /// </remarks>
    /// <param name="path">The checkpoint file, by convention ending in <c>.safetensors</c>. Its folder must exist.</param>
    /// <param name="model">The model to save.</param>
    /// <param name="sourceVocabulary">The vocabulary of the model's sources, or null to save none.</param>
    /// <param name="targetVocabulary">The vocabulary of the model's targets, or null to save none.</param>
    /// <param name="trainer">The trainer of <paramref name="model"/>, to save its state and its optimizer's; null to save the model only.</param>
    /// <param name="metadata">
    /// The application's own entries for the header's <c>__metadata__</c>, such as the settings of the run that wrote the
    /// checkpoint; <see cref="CheckpointInfo.Metadata"/> returns them. Null for none.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or names no file, a vocabulary has more tokens than the model's vocabulary,
    /// <paramref name="trainer"/> trains another model, or a <paramref name="metadata"/> key is <c>format</c> or starts with
    /// <c>staticseq2seq.</c>, which this library's entries use.
    /// </exception>
    /// <exception cref="NotSupportedException">The trainer's optimizer is not <see cref="Adam"/>, <see cref="AdamW"/> or <see cref="SgdMomentum"/>.</exception>
    /// <exception cref="IOException">
    /// The file could not be written; any earlier file at <paramref name="path"/> is unchanged. Or (Unix) the new file was
    /// renamed into place but its folder could not be flushed to disk, so a power loss could still undo the rename.
    /// </exception>
    /// <exception cref="UnauthorizedAccessException">The folder or file may not be written; any earlier file is unchanged.</exception>
    public static void Save(
        string path,
        ISeq2SeqModel model,
        Vocabulary? sourceVocabulary = null,
        Vocabulary? targetVocabulary = null,
        Seq2SeqTrainer? trainer = null,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(model);
        CheckVocabulary(sourceVocabulary, model.Shape.SourceVocabularySize, "source", nameof(ModelShape.SourceVocabularySize), nameof(sourceVocabulary));
        CheckVocabulary(targetVocabulary, model.Shape.TargetVocabularySize, "target", nameof(ModelShape.TargetVocabularySize), nameof(targetVocabulary));
        CheckTrainer(model, trainer);
        var training = trainer is null ? null : Capture(trainer);

        var tensors = model.Layout.Tensors;
        var buffers = training is null ? [] : OptimizerState.BufferNames(training.OptimizerKind)!;
        var entries = new List<(string Name, IReadOnlyList<int> Shape)>(tensors.Length * (1 + buffers.Length));
        long floats = 0;
        var longest = 0;
        foreach (var tensor in tensors)
        {
            entries.Add((tensor.Name, tensor.Shape));
            floats += tensor.Length;
            longest = Math.Max(longest, tensor.Length);
        }
        foreach (var buffer in buffers)
        {
            foreach (var tensor in tensors)
            {
                entries.Add((OptimizerTensorName(buffer, tensor.Name), tensor.Shape));
            }
        }
        var allMetadata = CheckpointMetadata.Encode(model.Shape, sourceVocabulary, targetVocabulary, training);
        CheckpointMetadata.AddApplicationEntries(allMetadata, metadata, nameof(metadata));
        var header = Safetensors.WriteHeader(entries, allMetadata);
        var fileLength = header.Length + floats * sizeof(float) * (1 + buffers.Length);

        WriteAtomically(path, fileLength, stream =>
        {
            stream.Write(header);
            var scratch = new float[longest];
            WriteTensors(stream, tensors, model.Parameters, scratch);
            foreach (var buffer in buffers)
            {
                WriteTensors(stream, tensors, OptimizerState.Buffer(trainer!.Optimizer, buffer), scratch);
            }
        });
    }

    /// <summary>
    /// Loads the checkpoint at <paramref name="path"/> into <paramref name="model"/> and, if given, restores
    /// <paramref name="trainer"/>'s counters and its optimizer's state, learning rate and step count, so that training
    /// continues exactly as the saved run would have. Returns the vocabularies and the rest of what the file holds.
    /// </summary>
    /// <remarks>
    /// A safetensors file written elsewhere, such as a PyTorch state dict saved with the layout's names, loads as weights
    /// only: its tensors are checked against the model's layout by name and shape. To resume, create the trainer with the
    /// saved run's <see cref="TrainingOptions.Seed"/>, <see cref="TrainingOptions.BatchSize"/>,
    /// <see cref="TrainingOptions.ClipNorm"/>, optimizer, <see cref="TrainingOptions.TeacherForcingRatio"/>,
    /// <see cref="TrainingOptions.EmbeddingDropout"/> and <see cref="TrainingOptions.InterLayerDropout"/> (see
    /// <see cref="ReadInfo"/>); its
    /// <see cref="TrainingOptions.Epochs"/> is how many epochs the next <see cref="Seq2SeqTrainer.Train"/> call runs,
    /// counting an unfinished saved epoch as one.
    /// </remarks>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">The model to load into; it must have the shape the checkpoint was saved from.</param>
    /// <param name="trainer">A trainer of <paramref name="model"/> whose state to restore, or null to load the weights only.</param>
    /// <returns>The checkpoint's shape, vocabularies, training state and metadata.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="trainer"/> trains another model.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    /// <exception cref="CheckpointFormatException">The file is damaged or is not a safetensors file; the message names the tensor or field.</exception>
    /// <exception cref="CheckpointMismatchException">
    /// The file was saved from a model of another shape (the message gives both), its tensors differ from the model's,
    /// or a trainer is given and the file holds no training state or was saved with other training settings.
    /// </exception>
    /// <exception cref="NotSupportedException">The trainer's optimizer is not <see cref="Adam"/>, <see cref="AdamW"/> or <see cref="SgdMomentum"/>.</exception>
    public static CheckpointInfo Load(string path, ISeq2SeqModel model, Seq2SeqTrainer? trainer = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(model);
        CheckTrainer(model, trainer);

        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var header = Safetensors.ReadHeader(file, path);
        var info = CheckpointMetadata.Decode(header, path);
        CheckShape(info, model, path);
        CheckTensors(info, header, model.Layout, path);
        if (trainer is not null)
        {
            CheckTrainingState(info, trainer, path);
        }

        // Everything is read before anything is written, so a file that fails now leaves the model and trainer as they were.
        var byName = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        foreach (var entry in header.Tensors)
        {
            byName.Add(entry.Name, entry);
        }
        var tensors = model.Layout.Tensors;
        var weights = ReadTensors(file, header, byName, tensors, prefix: "", path);
        var buffers = trainer is null ? [] : OptimizerState.BufferNames(info.Training!.OptimizerKind)!;
        var moments = new float[buffers.Length][][];
        for (var b = 0; b < buffers.Length; b++)
        {
            moments[b] = ReadTensors(file, header, byName, tensors, OptimizerTensorName(buffers[b], ""), path);
        }

        var parameters = model.Parameters;
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i].CopyFromPyTorchOrder(weights[i], parameters);
        }
        if (trainer is not null)
        {
            var training = info.Training!;
            for (var b = 0; b < buffers.Length; b++)
            {
                var buffer = OptimizerState.Buffer(trainer.Optimizer, buffers[b]);
                buffer.Clear();
                for (var i = 0; i < tensors.Length; i++)
                {
                    tensors[i].CopyFromPyTorchOrder(moments[b][i], buffer);
                }
            }
            OptimizerState.Restore(trainer.Optimizer, training.OptimizerStepCount, training.LearningRate);
            trainer.RestoreProgress(training.StepsCompleted, training.EpochsCompleted, training.EpochPairsCompleted, training.EpochSize);
            trainer.RestoreScheduleState(
                training.BaseLearningRate, training.Plateau, training.BestValidationLoss, training.BestEpoch, training.EpochsWithoutImprovement);
        }
        return info;
    }

    /// <summary>
    /// Reads what the checkpoint at <paramref name="path"/> holds besides its tensors (the model's shape, the vocabularies,
    /// the training state), checking the file's structure but reading no tensor: to choose the model to load it into, or
    /// the training options to resume with.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>The checkpoint's shape, vocabularies, training state and metadata.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    /// <exception cref="CheckpointFormatException">The file is damaged or is not a safetensors file; the message names the tensor or field.</exception>
    /// <exception cref="CheckpointMismatchException">The file was written in a newer format version.</exception>
    public static CheckpointInfo ReadInfo(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return CheckpointMetadata.Decode(Safetensors.ReadHeader(file, path), path);
    }

    private static string OptimizerTensorName(string buffer, string tensorName) => $"{OptimizerPrefix}{buffer}.{tensorName}";

    private static CheckpointTrainingState Capture(Seq2SeqTrainer trainer)
    {
        var optimizer = trainer.Optimizer;
        var (kind, settings) = OptimizerState.Describe(optimizer);
        var options = trainer.Options;
        return new CheckpointTrainingState(
            kind, optimizer.LearningRate, optimizer.StepCount, settings, options.Seed, options.BatchSize, options.ClipNorm,
            trainer.StepsCompleted, trainer.EpochsCompleted, trainer.EpochPairsCompleted, trainer.UnfinishedEpochSize)
        {
            BaseLearningRate = trainer.BaseLearningRate,
            Plateau = trainer.PlateauState,
            BestValidationLoss = trainer.BestValidationLoss,
            BestEpoch = trainer.BestEpoch,
            EpochsWithoutImprovement = trainer.EpochsWithoutImprovement,
            Pass = new PassSettings(options.TeacherForcingRatio, options.EmbeddingDropout, options.InterLayerDropout),
        };
    }

    private static void WriteTensors(Stream stream, IReadOnlyList<ParameterTensor> tensors, ReadOnlySpan<float> buffer, float[] scratch)
    {
        foreach (var tensor in tensors)
        {
            var values = scratch.AsSpan(0, tensor.Length);
            tensor.CopyToPyTorchOrder(buffer, values);
            Safetensors.WriteFloats(stream, values);
        }
    }

    private static float[][] ReadTensors(
        Microsoft.Win32.SafeHandles.SafeFileHandle file,
        Safetensors.Header header,
        Dictionary<string, SafetensorsTensor> byName,
        IReadOnlyList<ParameterTensor> tensors,
        string prefix,
        string path)
    {
        var values = new float[tensors.Count][];
        for (var i = 0; i < values.Length; i++)
        {
            // CheckTensors has matched every name and shape to the layout, whose lengths the model already holds in memory.
            var entry = byName[prefix + tensors[i].Name];
            values[i] = new float[entry.ElementCount];
            Safetensors.ReadTensor(file, header, entry, values[i], path);
        }
        return values;
    }

    // Temporary file in the same folder (so the rename cannot cross file systems), its data flushed to disk (fsync) before
    // the rename so the new name can never point at unwritten blocks, renamed over the target, and then the folder
    // flushed (Unix) so the rename itself is on disk when Save returns.
    private static void WriteAtomically(string path, long length, Action<FileStream> write)
    {
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath);
        var name = Path.GetFileName(fullPath);
        if (folder is null || name.Length == 0)
        {
            throw new ArgumentException($"'{path}' names a folder, not a file; give the checkpoint's file name, such as model.safetensors.", nameof(path));
        }
        var temporary = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 1 << 16,
                PreallocationSize = length,
            };
            using (var stream = new FileStream(temporary, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        DirectorySync.Flush(folder);
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // The original error matters more; a stray temporary file is named so that it is recognisable.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void CheckVocabulary(Vocabulary? vocabulary, int modelSize, string side, string shapeField, string parameterName)
    {
        if (vocabulary is not null && vocabulary.Count > modelSize)
        {
            throw new ArgumentException(
                $"The {side} vocabulary has {vocabulary.Count} tokens but the model's {shapeField} is {modelSize}, so some of its ids are outside the model. " +
                $"Build the vocabulary with maxSize: {modelSize}, or declare the model with {shapeField} = {vocabulary.Count}.",
                parameterName);
        }
    }

    private static void CheckTrainer(ISeq2SeqModel model, Seq2SeqTrainer? trainer)
    {
        if (trainer is not null && !ReferenceEquals(trainer.Model, model))
        {
            throw new ArgumentException(
                "The trainer trains another model instance; give the trainer of this model (trainer.Model), or no trainer to save or load the model alone.",
                nameof(trainer));
        }
    }

    private static void CheckShape(CheckpointInfo info, ISeq2SeqModel model, string path)
    {
        var saved = info.Shape;
        var shape = model.Shape;
        if (saved is not null && saved != shape)
        {
            throw new CheckpointMismatchException(path,
                $"it was saved from a model of shape {CheckpointMetadata.ShapeText(saved)}, but {model.GetType().Name} has shape {CheckpointMetadata.ShapeText(shape)}. " +
                "Load it into a model declared with the checkpoint's shape (Checkpoint.ReadInfo gives it).");
        }
        CheckVocabularySize(info.SourceVocabulary, shape.SourceVocabularySize, "source", nameof(ModelShape.SourceVocabularySize), path);
        CheckVocabularySize(info.TargetVocabulary, shape.TargetVocabularySize, "target", nameof(ModelShape.TargetVocabularySize), path);
    }

    private static void CheckVocabularySize(Vocabulary? vocabulary, int modelSize, string side, string shapeField, string path)
    {
        if (vocabulary is not null && vocabulary.Count > modelSize)
        {
            throw new CheckpointMismatchException(path,
                $"its {side} vocabulary has {vocabulary.Count} tokens but the model's {shapeField} is {modelSize}. Load it into a model declared with {shapeField} = {vocabulary.Count} or more.");
        }
    }

    // The file must hold exactly the layout's tensors, with the layout's shapes, plus the optimizer buffers its metadata names.
    private static void CheckTensors(CheckpointInfo info, Safetensors.Header header, ParameterLayout layout, string path)
    {
        var expected = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        foreach (var tensor in layout.Tensors)
        {
            expected.Add(tensor.Name, tensor.Shape);
        }
        if (info.Training is { } training)
        {
            foreach (var buffer in OptimizerState.BufferNames(training.OptimizerKind)!)
            {
                foreach (var tensor in layout.Tensors)
                {
                    expected.Add(OptimizerTensorName(buffer, tensor.Name), tensor.Shape);
                }
            }
        }

        var extra = new List<string>();
        var wrongShape = new List<string>();
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in header.Tensors)
        {
            if (!expected.TryGetValue(entry.Name, out var shape))
            {
                extra.Add(entry.Name);
                continue;
            }
            found.Add(entry.Name);
            if (!SameShape(shape, entry.Shape))
            {
                wrongShape.Add($"'{entry.Name}' is {entry.ShapeText} in the checkpoint but {Safetensors.FormatShape(shape)} in the model");
            }
        }
        var missing = new List<string>();
        foreach (var name in expected.Keys)
        {
            if (!found.Contains(name))
            {
                missing.Add(name);
            }
        }
        if (extra.Count == 0 && wrongShape.Count == 0 && missing.Count == 0)
        {
            return;
        }

        var problems = new List<string>();
        if (wrongShape.Count > 0)
        {
            problems.Add(List(wrongShape));
        }
        if (missing.Count > 0)
        {
            problems.Add($"it lacks {Names(missing)}");
        }
        if (extra.Count > 0)
        {
            var optimizerHint = info.Training is null && extra.Exists(static name => name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
                ? " (optimizer tensors without the training state that names them)"
                : "";
            problems.Add($"it holds {Names(extra)}, which the model does not have{optimizerHint}");
        }
        throw new CheckpointMismatchException(path,
            $"its tensors do not match the model's layout: {string.Join("; ", problems)}. " +
            "The file was saved from another model, or is damaged; load it into the model it was saved from.");
    }

    private static void CheckTrainingState(CheckpointInfo info, Seq2SeqTrainer trainer, string path)
    {
        var saved = info.Training ?? throw new CheckpointMismatchException(path,
            "it holds no training state (it was saved without a trainer), so training cannot resume from it. Load it without a trainer to take the weights, then train afresh.");
        var (kind, settings) = OptimizerState.Describe(trainer.Optimizer);
        var options = trainer.Options;
        var differences = new List<string>();
        if (saved.OptimizerKind != kind)
        {
            differences.Add($"optimizer {saved.OptimizerKind} in the checkpoint, {kind} in the trainer");
        }
        else
        {
            for (var i = 0; i < settings.Length; i++)
            {
                var (name, value) = settings[i];
                var savedValue = saved.OptimizerSettings[i].Value;
                if (savedValue != value)
                {
                    differences.Add($"{kind} {name} {Number(savedValue)} in the checkpoint, {Number(value)} in the trainer");
                }
            }
        }
        if (saved.Seed != options.Seed)
        {
            differences.Add($"Seed {saved.Seed} in the checkpoint, {options.Seed} in the trainer");
        }
        if (saved.BatchSize != options.BatchSize)
        {
            differences.Add($"BatchSize {saved.BatchSize} in the checkpoint, {options.BatchSize} in the trainer");
        }
        AddDifference(differences, "ClipNorm", saved.ClipNorm, options.ClipNorm);
        if (saved.Pass is { } pass)
        {
            AddDifference(differences, "TeacherForcingRatio", pass.TeacherForcingRatio, options.TeacherForcingRatio);
            AddDifference(differences, "EmbeddingDropout", pass.EmbeddingDropout, options.EmbeddingDropout);
            AddDifference(differences, "InterLayerDropout", pass.InterLayerDropout, options.InterLayerDropout);
        }
        if (differences.Count > 0)
        {
            throw new CheckpointMismatchException(path,
                $"its training state was saved with other settings than this trainer's: {List(differences)}. To resume exactly, create the trainer with the " +
                "checkpoint's settings (Checkpoint.ReadInfo(path).Training lists them); to start a new run from its weights, load it without a trainer.");
        }
    }

    private static void AddDifference(List<string> differences, string option, float saved, float current)
    {
        if (saved != current)
        {
            differences.Add($"{option} {Number(saved)} in the checkpoint, {Number(current)} in the trainer");
        }
    }

    private static bool SameShape(IReadOnlyList<int> expected, int[] actual)
    {
        if (expected.Count != actual.Length)
        {
            return false;
        }
        for (var i = 0; i < actual.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                return false;
            }
        }
        return true;
    }

    private static string Names(List<string> names)
    {
        var quoted = new List<string>();
        for (var i = 0; i < Math.Min(names.Count, MaxNamesInMessage); i++)
        {
            quoted.Add($"'{names[i]}'");
        }
        var tensors = names.Count == 1 ? "tensor" : "tensors";
        return $"{tensors} {List(quoted)}{(names.Count > MaxNamesInMessage ? $" and {names.Count - MaxNamesInMessage} more" : "")}";
    }

    private static string List(List<string> items) => string.Join(", ", items);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
