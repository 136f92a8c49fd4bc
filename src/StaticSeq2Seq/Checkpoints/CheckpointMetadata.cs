using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using StaticSeq2Seq.Data;

namespace StaticSeq2Seq.Checkpoints;

/// <summary>
/// The <c>__metadata__</c> entries of a checkpoint: safetensors allows only strings, so structured values are
/// JSON text. Written and read by hand (no reflection), so the runtime stays trimmable and AOT-compatible.
/// </summary>
internal static class CheckpointMetadata
{
    /// <summary>Tells the Hugging Face loaders the tensors are PyTorch's; they refuse files without it.</summary>
    public const string FormatKey = "format";
    public const string FormatValue = "pt";
    public const string VersionKey = "staticseq2seq.version";
    public const string ModelShapeKey = "staticseq2seq.model_shape";
    public const string SourceVocabularyKey = "staticseq2seq.source_vocabulary";
    public const string TargetVocabularyKey = "staticseq2seq.target_vocabulary";
    public const string OptimizerKey = "staticseq2seq.optimizer";
    public const string TrainerKey = "staticseq2seq.trainer";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The metadata of a checkpoint, in the order it is written.</summary>
    public static List<KeyValuePair<string, string>> Encode(
        ModelShape shape, Vocabulary? sourceVocabulary, Vocabulary? targetVocabulary, CheckpointTrainingState? training)
    {
        var metadata = new List<KeyValuePair<string, string>>
        {
            new(FormatKey, FormatValue),
            new(VersionKey, Checkpoint.FormatVersion.ToString(CultureInfo.InvariantCulture)),
            new(ModelShapeKey, Json(writer => WriteShape(writer, shape))),
        };
        if (sourceVocabulary is not null)
        {
            metadata.Add(new(SourceVocabularyKey, Json(writer => WriteTokens(writer, sourceVocabulary))));
        }
        if (targetVocabulary is not null)
        {
            metadata.Add(new(TargetVocabularyKey, Json(writer => WriteTokens(writer, targetVocabulary))));
        }
        if (training is not null)
        {
            metadata.Add(new(OptimizerKey, Json(writer => WriteOptimizer(writer, training))));
            metadata.Add(new(TrainerKey, Json(writer => WriteTrainer(writer, training))));
        }
        return metadata;
    }

    /// <summary>Appends an application's own entries, in key order so the header does not depend on the dictionary's.</summary>
    /// <exception cref="ArgumentException">A key or value is null, or a key is one this library's entries use.</exception>
    public static void AddApplicationEntries(
        List<KeyValuePair<string, string>> metadata, IReadOnlyDictionary<string, string>? entries, string parameterName)
    {
        if (entries is null)
        {
            return;
        }
        var keys = new List<string>(entries.Keys);
        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (key is null || key == FormatKey || key.StartsWith("staticseq2seq.", StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"The metadata key '{key}' is one this library writes itself; name the application's entries after the application, such as \"myapp.epochs\".",
                    parameterName);
            }
            var value = entries[key] ?? throw new ArgumentException($"The metadata entry '{key}' is null; give every entry a string.", parameterName);
            metadata.Add(new(key, value));
        }
    }

    /// <summary>Reads the StaticSeq2Seq entries of <paramref name="header"/>'s metadata; a file without them holds weights only.</summary>
    /// <exception cref="CheckpointFormatException">An entry is not the JSON this library writes; the message names it.</exception>
    /// <exception cref="CheckpointMismatchException">The file was written in a newer format version.</exception>
    public static CheckpointInfo Decode(Safetensors.Header header, string path)
    {
        var metadata = header.Metadata;
        var tensorNames = new string[header.Tensors.Count];
        for (var i = 0; i < tensorNames.Length; i++)
        {
            tensorNames[i] = header.Tensors[i].Name;
        }
        if (!metadata.TryGetValue(VersionKey, out var versionText))
        {
            foreach (var key in metadata.Keys)
            {
                if (key.StartsWith("staticseq2seq.", StringComparison.Ordinal))
                {
                    throw new CheckpointFormatException(path, $"the metadata has '{key}' but no '{VersionKey}'; the header is damaged.");
                }
            }
            return new CheckpointInfo(0, null, null, null, null, tensorNames, metadata);
        }
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw new CheckpointFormatException(path, $"metadata entry '{VersionKey}' is \"{versionText}\", not a format version such as \"{Checkpoint.FormatVersion}\".");
        }
        if (version > Checkpoint.FormatVersion)
        {
            throw new CheckpointMismatchException(path,
                $"it was written in checkpoint format version {version}, and this version of StaticSeq2Seq reads version {Checkpoint.FormatVersion}. Update StaticSeq2Seq to load it.");
        }

        var shapeText = Required(metadata, ModelShapeKey, path);
        var shape = Parse(shapeText, ModelShapeKey, path, ReadShape);
        var source = metadata.TryGetValue(SourceVocabularyKey, out var sourceText) ? Parse(sourceText, SourceVocabularyKey, path, ReadVocabulary) : null;
        var target = metadata.TryGetValue(TargetVocabularyKey, out var targetText) ? Parse(targetText, TargetVocabularyKey, path, ReadVocabulary) : null;

        CheckpointTrainingState? training = null;
        var hasOptimizer = metadata.TryGetValue(OptimizerKey, out var optimizerText);
        var hasTrainer = metadata.TryGetValue(TrainerKey, out var trainerText);
        if (hasOptimizer != hasTrainer)
        {
            throw new CheckpointFormatException(path,
                $"the metadata has '{(hasOptimizer ? OptimizerKey : TrainerKey)}' but not '{(hasOptimizer ? TrainerKey : OptimizerKey)}'; the training state is incomplete.");
        }
        if (hasOptimizer)
        {
            var optimizer = Parse(optimizerText!, OptimizerKey, path, ReadOptimizer);
            training = Parse(trainerText!, TrainerKey, path, (element, key, file) => ReadTrainer(element, key, file, optimizer));
        }
        return new CheckpointInfo(version, shape, source, target, training, tensorNames, metadata);
    }

    /// <summary>The JSON <see cref="Encode"/> writes for <paramref name="shape"/>; also how messages show shapes.</summary>
    public static string ShapeText(ModelShape shape) => Json(writer => WriteShape(writer, shape));

    private static void WriteShape(Utf8JsonWriter writer, ModelShape shape)
    {
        writer.WriteStartObject();
        writer.WriteNumber(nameof(ModelShape.SourceVocabularySize), shape.SourceVocabularySize);
        writer.WriteNumber(nameof(ModelShape.TargetVocabularySize), shape.TargetVocabularySize);
        writer.WriteNumber(nameof(ModelShape.EmbeddingSize), shape.EmbeddingSize);
        writer.WriteNumber(nameof(ModelShape.HiddenSize), shape.HiddenSize);
        writer.WriteNumber(nameof(ModelShape.Layers), shape.Layers);
        writer.WriteString(nameof(ModelShape.Cell), shape.Cell.ToString());
        writer.WriteNumber(nameof(ModelShape.MaxSourceLength), shape.MaxSourceLength);
        writer.WriteNumber(nameof(ModelShape.MaxTargetLength), shape.MaxTargetLength);
        writer.WriteString(nameof(ModelShape.Attention), shape.Attention.ToString());
        writer.WriteBoolean(nameof(ModelShape.BidirectionalEncoder), shape.BidirectionalEncoder);
        writer.WriteEndObject();
    }

    private static ModelShape ReadShape(JsonElement element, string key, string path)
    {
        var cellText = String(element, nameof(ModelShape.Cell), key, path);
        if (!Enum.TryParse<RecurrentCell>(cellText, ignoreCase: false, out var cell) || cell.ToString() != cellText)
        {
            throw new CheckpointFormatException(path,
                $"metadata entry '{key}' has Cell \"{cellText}\", which is not a cell this library knows ({string.Join(", ", Enum.GetNames<RecurrentCell>())}).");
        }
        return new ModelShape(
            PositiveInt(element, nameof(ModelShape.SourceVocabularySize), key, path),
            PositiveInt(element, nameof(ModelShape.TargetVocabularySize), key, path),
            PositiveInt(element, nameof(ModelShape.EmbeddingSize), key, path),
            PositiveInt(element, nameof(ModelShape.HiddenSize), key, path),
            PositiveInt(element, nameof(ModelShape.Layers), key, path),
            cell,
            PositiveInt(element, nameof(ModelShape.MaxSourceLength), key, path),
            PositiveInt(element, nameof(ModelShape.MaxTargetLength), key, path),
            ReadAttention(element, key, path),
            ReadBidirectionalEncoder(element, key, path));
    }

    /// <summary>Whether the encoder is bidirectional: false when the entry does not say, as checkpoints written before the option existed.</summary>
    private static bool ReadBidirectionalEncoder(JsonElement element, string key, string path)
    {
        if (!element.TryGetProperty(nameof(ModelShape.BidirectionalEncoder), out var value))
        {
            return false;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new CheckpointFormatException(path,
                $"metadata entry '{key}' has BidirectionalEncoder {value.GetRawText()}, which is not true or false."),
        };
    }

    /// <summary>The shape's attention kind: <see cref="AttentionKind.None"/> when the entry has none, as checkpoints written before attention existed.</summary>
    private static AttentionKind ReadAttention(JsonElement element, string key, string path)
    {
        if (!element.TryGetProperty(nameof(ModelShape.Attention), out _))
        {
            return AttentionKind.None;
        }
        var text = String(element, nameof(ModelShape.Attention), key, path);
        if (!Enum.TryParse<AttentionKind>(text, ignoreCase: false, out var attention) || attention.ToString() != text)
        {
            throw new CheckpointFormatException(path,
                $"metadata entry '{key}' has Attention \"{text}\", which is not an attention kind this library knows ({string.Join(", ", Enum.GetNames<AttentionKind>())}).");
        }
        return attention;
    }

    private static void WriteTokens(Utf8JsonWriter writer, Vocabulary vocabulary)
    {
        writer.WriteStartArray();
        foreach (var token in vocabulary.Tokens)
        {
            writer.WriteStringValue(token);
        }
        writer.WriteEndArray();
    }

    private static Vocabulary ReadVocabulary(JsonElement element, string key, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointFormatException(path, $"metadata entry '{key}' is not a JSON array of tokens.");
        }
        var tokens = new List<string>(element.GetArrayLength());
        foreach (var token in element.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.String)
            {
                throw new CheckpointFormatException(path, $"metadata entry '{key}' holds {token.GetRawText()} as token {tokens.Count}; every token is a string.");
            }
            tokens.Add(token.GetString()!);
        }
        try
        {
            return Vocabulary.FromTokens(tokens);
        }
        catch (ArgumentException error)
        {
            throw new CheckpointFormatException(path, $"metadata entry '{key}' is not a valid vocabulary: {error.Message}", error);
        }
    }

    private static void WriteOptimizer(Utf8JsonWriter writer, CheckpointTrainingState training)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", training.OptimizerKind);
        writer.WriteNumber("lr", training.LearningRate);
        writer.WriteNumber("step", training.OptimizerStepCount);
        foreach (var (name, value) in training.OptimizerSettings)
        {
            writer.WriteNumber(name, value);
        }
        writer.WriteEndObject();
    }

    private static (string Kind, float LearningRate, long Step, KeyValuePair<string, double>[] Settings) ReadOptimizer(JsonElement element, string key, string path)
    {
        var kind = String(element, "kind", key, path);
        var names = OptimizerState.SettingNames(kind)
            ?? throw new CheckpointFormatException(path,
                $"metadata entry '{key}' names optimizer \"{kind}\"; this library keeps the state of {OptimizerState.AdamKind}, {OptimizerState.AdamWKind} and {OptimizerState.SgdKind}.");
        var learningRate = Property(element, "lr", key, path);
        if (learningRate.ValueKind != JsonValueKind.Number || !learningRate.TryGetSingle(out var lr) || !float.IsFinite(lr) || lr < 0f)
        {
            throw Invalid(key, "lr", learningRate, "a finite learning rate of at least 0", path);
        }
        var step = NonNegativeLong(element, "step", key, path);
        var settings = new KeyValuePair<string, double>[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            var value = Property(element, names[i], key, path);
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                throw Invalid(key, names[i], value, "a finite number", path);
            }
            settings[i] = new(names[i], number);
        }
        return (kind, lr, step, settings);
    }

    private static void WriteTrainer(Utf8JsonWriter writer, CheckpointTrainingState training)
    {
        writer.WriteStartObject();
        writer.WriteNumber("seed", training.Seed);
        writer.WriteNumber("batch_size", training.BatchSize);
        writer.WriteNumber("clip_norm", training.ClipNorm);
        writer.WriteNumber("steps_completed", training.StepsCompleted);
        writer.WriteNumber("epochs_completed", training.EpochsCompleted);
        writer.WriteNumber("epoch_pairs_completed", training.EpochPairsCompleted);
        writer.WriteNumber("epoch_size", training.EpochSize);
        writer.WriteNumber("base_lr", training.BaseLearningRate);
        // JSON has no infinity: the best losses are left out until there is one.
        if (double.IsFinite(training.Plateau.BestLoss))
        {
            writer.WriteNumber("plateau_best", training.Plateau.BestLoss);
        }
        writer.WriteNumber("plateau_bad_epochs", training.Plateau.BadEpochs);
        writer.WriteNumber("plateau_cooldown_left", training.Plateau.CooldownLeft);
        if (training.BestValidationLoss is { } best)
        {
            writer.WriteNumber("best_validation_loss", best);
        }
        writer.WriteNumber("best_epoch", training.BestEpoch);
        writer.WriteNumber("epochs_without_improvement", training.EpochsWithoutImprovement);
        if (training.Pass is { } pass)
        {
            writer.WriteNumber("teacher_forcing_ratio", pass.TeacherForcingRatio);
            writer.WriteNumber("embedding_dropout", pass.EmbeddingDropout);
            writer.WriteNumber("inter_layer_dropout", pass.InterLayerDropout);
        }
        writer.WriteEndObject();
    }

    private static CheckpointTrainingState ReadTrainer(
        JsonElement element, string key, string path, (string Kind, float LearningRate, long Step, KeyValuePair<string, double>[] Settings) optimizer)
    {
        var seedElement = Property(element, "seed", key, path);
        if (seedElement.ValueKind != JsonValueKind.Number || !seedElement.TryGetUInt64(out var seed))
        {
            throw Invalid(key, "seed", seedElement, $"a whole number from 0 to {ulong.MaxValue}", path);
        }
        var batchSize = PositiveInt(element, "batch_size", key, path);
        var clipElement = Property(element, "clip_norm", key, path);
        if (clipElement.ValueKind != JsonValueKind.Number || !clipElement.TryGetSingle(out var clipNorm) || !float.IsFinite(clipNorm))
        {
            throw Invalid(key, "clip_norm", clipElement, "a finite number", path);
        }
        var steps = NonNegativeLong(element, "steps_completed", key, path);
        var epochs = NonNegativeInt(element, "epochs_completed", key, path);
        var epochPairs = NonNegativeInt(element, "epoch_pairs_completed", key, path);
        var epochSize = NonNegativeInt(element, "epoch_size", key, path);
        if (epochPairs > epochSize || (epochPairs > 0) != (epochSize > 0))
        {
            throw new CheckpointFormatException(path,
                $"metadata entry '{key}' has epoch_pairs_completed {epochPairs} and epoch_size {epochSize}; within an epoch the pairs completed lie between 1 and the epoch's size, and between epochs both are 0.");
        }
        // The schedule and early-stopping state: absent from checkpoints written before they were saved.
        var baseRate = optimizer.LearningRate;
        if (element.TryGetProperty("base_lr", out var baseElement) && (baseElement.ValueKind != JsonValueKind.Number || !baseElement.TryGetSingle(out baseRate) || !float.IsFinite(baseRate) || baseRate < 0f))
        {
            throw Invalid(key, "base_lr", baseElement, "a finite learning rate of at least 0", path);
        }
        var plateauBest = OptionalLoss(element, "plateau_best", key, path) ?? double.PositiveInfinity;
        var plateau = new Training.PlateauState(
            plateauBest, OptionalNonNegativeInt(element, "plateau_bad_epochs", key, path), OptionalNonNegativeInt(element, "plateau_cooldown_left", key, path));
        var bestLoss = OptionalLoss(element, "best_validation_loss", key, path);
        var bestEpoch = OptionalNonNegativeInt(element, "best_epoch", key, path);
        if (bestEpoch > epochs || (bestLoss is null) != (bestEpoch == 0))
        {
            throw new CheckpointFormatException(path,
                $"metadata entry '{key}' has best_epoch {bestEpoch} with epochs_completed {epochs}; the best epoch is one of the completed epochs when best_validation_loss is given, and 0 when it is not.");
        }
        return new CheckpointTrainingState(
            optimizer.Kind, optimizer.LearningRate, optimizer.Step, optimizer.Settings, seed, batchSize, clipNorm, steps, epochs, epochPairs, epochSize)
        {
            BaseLearningRate = baseRate,
            Plateau = plateau,
            BestValidationLoss = bestLoss,
            BestEpoch = bestEpoch,
            EpochsWithoutImprovement = OptionalNonNegativeInt(element, "epochs_without_improvement", key, path),
            Pass = ReadPassSettings(element, key, path),
        };
    }

    /// <summary>The pass settings, all three or none: checkpoints written before they were saved have none.</summary>
    private static PassSettings? ReadPassSettings(JsonElement element, string key, string path)
    {
        string[] names = ["teacher_forcing_ratio", "embedding_dropout", "inter_layer_dropout"];
        var present = Array.FindAll(names, name => element.TryGetProperty(name, out _));
        if (present.Length == 0)
        {
            return null;
        }
        if (present.Length < names.Length)
        {
            throw new CheckpointFormatException(path,
                $"metadata entry '{key}' has {string.Join(" and ", present)} but not {string.Join(" and ", Array.FindAll(names, name => Array.IndexOf(present, name) < 0))}; the pass settings come together.");
        }
        return new PassSettings(
            Rate(element, names[0], key, path, maximumIncluded: true),
            Rate(element, names[1], key, path, maximumIncluded: false),
            Rate(element, names[2], key, path, maximumIncluded: false));
    }

    private static float Rate(JsonElement element, string name, string key, string path, bool maximumIncluded)
    {
        var value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out var rate) && rate >= 0f && (maximumIncluded ? rate <= 1f : rate < 1f)
            ? rate
            : throw Invalid(key, name, value, maximumIncluded ? "a probability from 0 to 1" : "a rate from 0 up to 1 (excluded)", path);
    }

    private static double? OptionalLoss(JsonElement element, string name, string key, string path)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw Invalid(key, name, value, "a finite number", path);
    }

    private static int OptionalNonNegativeInt(JsonElement element, string name, string key, string path) =>
        element.TryGetProperty(name, out _) ? NonNegativeInt(element, name, key, path) : 0;

    private static string Required(IReadOnlyDictionary<string, string> metadata, string key, string path) =>
        metadata.TryGetValue(key, out var value)
            ? value
            : throw new CheckpointFormatException(path, $"the metadata has '{VersionKey}' but no '{key}'; the header is damaged.");

    private static T Parse<T>(string text, string key, string path, Func<JsonElement, string, string, T> read)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException error)
        {
            throw new CheckpointFormatException(path, $"metadata entry '{key}' is not valid JSON ({error.Message}).", error);
        }
        using (document)
        {
            try
            {
                return read(document.RootElement, key, path);
            }
            catch (InvalidOperationException error)
            {
                // What the JSON reader throws for a string whose escapes make no valid text, such as a lone surrogate \ud800.
                throw new CheckpointFormatException(path, $"metadata entry '{key}' holds a string that is not valid text ({error.Message}).", error);
            }
        }
    }

    private static JsonElement Property(JsonElement element, string name, string key, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException(path, $"metadata entry '{key}' is not a JSON object.");
        }
        return element.TryGetProperty(name, out var value)
            ? value
            : throw new CheckpointFormatException(path, $"metadata entry '{key}' has no '{name}'.");
    }

    private static string String(JsonElement element, string name, string key, string path)
    {
        var value = Property(element, name, key, path);
        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Invalid(key, name, value, "a non-empty string", path);
    }

    private static int PositiveInt(JsonElement element, string name, string key, string path)
    {
        var value = Property(element, name, key, path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 1
            ? number
            : throw Invalid(key, name, value, $"a whole number from 1 to {int.MaxValue}", path);
    }

    private static int NonNegativeInt(JsonElement element, string name, string key, string path)
    {
        var value = Property(element, name, key, path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 0
            ? number
            : throw Invalid(key, name, value, $"a whole number from 0 to {int.MaxValue}", path);
    }

    private static long NonNegativeLong(JsonElement element, string name, string key, string path)
    {
        var value = Property(element, name, key, path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0
            ? number
            : throw Invalid(key, name, value, $"a whole number from 0 to {long.MaxValue}", path);
    }

    private static CheckpointFormatException Invalid(string key, string name, JsonElement value, string expected, string path) =>
        new(path, $"metadata entry '{key}' has {name} {value.GetRawText()}; it must be {expected}.");

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
