using System.Buffers.Binary;
using System.Text.Json.Nodes;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Checkpoints;

/// <summary>
/// Damaged and mismatched files: each is refused with the documented exception and a message naming what is wrong,
/// and the model it was loaded into is left as it was.
/// </summary>
public sealed class CheckpointValidationTests : IDisposable
{
    private const string Embedding = "encoder.embedding.weight";
    private const string OutBias = "decoder.out.bias";

    private readonly TemporaryFolder folder = new();
    private readonly string path;
    private readonly string damaged;

    public CheckpointValidationTests()
    {
        var model = new TinyGru();
        model.InitializeParameters(1);
        path = folder.File("model.safetensors");
        damaged = folder.File("damaged.safetensors");
        Checkpoint.Save(path, model, CheckpointTestData.Vocabulary(11, "s"), CheckpointTestData.Vocabulary(13, "t"));
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_file_shorter_than_the_length_prefix()
    {
        File.WriteAllBytes(damaged, [1, 2, 3]);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("3 bytes long, shorter than the 8-byte header length", error.Message);
    }

    [Fact]
    public void A_file_cut_off_in_the_middle_of_the_tensors()
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(damaged, bytes[..(bytes.Length - 10)]);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("past the end of the", error.Message);
        Assert.Contains($"'{OutBias}'", error.Message);
    }

    [Fact]
    public void A_file_cut_off_in_the_header()
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(damaged, bytes[..100]);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("only 92 bytes follow it", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_header_length_larger_than_the_file()
    {
        var parts = SafetensorsParts.Read(path);
        SafetensorsParts.WriteRaw(damaged, parts.Header.ToJsonString(), parts.Data, declaredLength: 1UL << 40);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"header length is {1UL << 40} bytes, more than the", error.Message);
    }

    [Fact]
    public void A_header_length_within_the_limit_but_past_the_end_of_the_file()
    {
        var parts = SafetensorsParts.Read(path);
        var json = parts.Header.ToJsonString();
        SafetensorsParts.WriteRaw(damaged, json, parts.Data, declaredLength: (ulong)(json.Length + parts.Data.Length + 1));

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"but only {json.Length + parts.Data.Length} bytes follow it", error.Message);
    }

    [Fact]
    public void Malformed_JSON()
    {
        var parts = SafetensorsParts.Read(path);
        var json = parts.Header.ToJsonString();
        SafetensorsParts.WriteRaw(damaged, json[..^1] + ",}", parts.Data);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("header is not valid UTF-8 JSON", error.Message);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
    }

    [Fact]
    public void A_header_that_is_not_an_object()
    {
        SafetensorsParts.WriteRaw(damaged, "[1, 2]", []);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("header is a JSON array", error.Message);
    }

    [Fact]
    public void A_tensor_named_twice()
    {
        var parts = SafetensorsParts.Read(path);
        var json = parts.Header.ToJsonString();
        var entry = parts.Tensor(OutBias).ToJsonString();
        SafetensorsParts.WriteRaw(damaged, json[..^1] + $",\"{OutBias}\":{entry}}}", parts.Data);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"names '{OutBias}' twice", error.Message);
    }

    [Fact]
    public void Overlapping_offsets()
    {
        var parts = SafetensorsParts.Read(path);
        var offsets = Offsets(parts, OutBias);
        // Move the bias 4 bytes back into the tensor before it, keeping its length, and drop the data's last 4 bytes.
        parts.Tensor(OutBias)["data_offsets"] = new JsonArray(offsets[0] - 4, offsets[1] - 4);
        parts.Data = parts.Data[..^4];
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"tensor '{OutBias}' (bytes {offsets[0] - 4} to {offsets[1] - 4}) overlaps tensor 'decoder.out.weight'", error.Message);
    }

    [Fact]
    public void Offsets_past_the_end_of_the_data()
    {
        var parts = SafetensorsParts.Read(path);
        var offsets = Offsets(parts, OutBias);
        parts.Tensor(OutBias)["data_offsets"] = new JsonArray(offsets[0] + 8, offsets[1] + 8);
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"tensor '{OutBias}' has data_offsets [{offsets[0] + 8}, {offsets[1] + 8}], past the end of the {parts.Data.Length}-byte data section", error.Message);
    }

    [Fact]
    public void Offsets_that_end_before_they_begin()
    {
        var parts = SafetensorsParts.Read(path);
        var offsets = Offsets(parts, OutBias);
        parts.Tensor(OutBias)["data_offsets"] = new JsonArray(offsets[1], offsets[0]);
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"'{OutBias}' has data_offsets [{offsets[1]}, {offsets[0]}], which end before they begin", error.Message);
    }

    [Fact]
    public void Bytes_that_belong_to_no_tensor()
    {
        var parts = SafetensorsParts.Read(path);
        parts.Data = [.. parts.Data, 0, 0, 0, 0];
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("the last 4 bytes belong to no tensor", error.Message);
    }

    [Fact]
    public void A_gap_between_tensors()
    {
        var parts = SafetensorsParts.Read(path);
        var offsets = Offsets(parts, Embedding);
        Assert.Equal(0, offsets[0]);
        parts.Tensor(Embedding)["data_offsets"] = new JsonArray(4, offsets[1]);
        parts.Tensor(Embedding)["shape"] = new JsonArray(1, (offsets[1] - 4) / 4);
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"bytes 0 to 4 of the data section belong to no tensor (the next is '{Embedding}')", error.Message);
    }

    [Fact]
    public void A_shape_whose_size_differs_from_the_byte_range()
    {
        var parts = SafetensorsParts.Read(path);
        parts.Tensor(OutBias)["shape"] = new JsonArray(14);
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"tensor '{OutBias}' has shape [14], which needs 14 floats, 56 bytes in F32, but its data_offsets", error.Message);
        Assert.Contains("span 52 bytes", error.Message);
    }

    [Fact]
    public void A_shape_so_large_its_size_would_overflow()
    {
        var parts = SafetensorsParts.Read(path);
        parts.Tensor(OutBias)["shape"] = new JsonArray(int.MaxValue, int.MaxValue, int.MaxValue, 2);
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"which needs more than {long.MaxValue} bytes in F32", error.Message);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"13\"")]
    [InlineData("3000000000")]
    public void A_dimension_that_is_not_a_count(string dimension)
    {
        var parts = SafetensorsParts.Read(path);
        parts.Tensor(OutBias)["shape"] = JsonNode.Parse($"[{dimension}]");
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"tensor '{OutBias}' has shape dimension 0 of {dimension}", error.Message);
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("F64")]
    [InlineData("BF16")]
    public void A_dtype_other_than_F32(string dtype)
    {
        var parts = SafetensorsParts.Read(path);
        parts.Tensor(Embedding)["dtype"] = dtype;
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"tensor '{Embedding}' has dtype {dtype}; this library reads F32 (float32) only", error.Message);
    }

    [Theory]
    [InlineData("dtype")]
    [InlineData("shape")]
    [InlineData("data_offsets")]
    public void An_entry_without_a_field(string field)
    {
        var parts = SafetensorsParts.Read(path);
        parts.Tensor(OutBias).Remove(field);
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"tensor '{OutBias}' has no {field}", error.Message);
    }

    [Fact]
    public void An_entry_with_an_unknown_field()
    {
        var parts = SafetensorsParts.Read(path);
        parts.Tensor(OutBias)["strides"] = new JsonArray(1);
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"tensor '{OutBias}' has an unexpected field 'strides'", error.Message);
    }

    [Fact]
    public void Metadata_values_that_are_not_strings()
    {
        var parts = SafetensorsParts.Read(path);
        parts.Metadata["staticseq2seq.version"] = 1;
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("metadata entry 'staticseq2seq.version' is a JSON number; safetensors metadata values must be strings", error.Message);
    }

    [Fact]
    public void A_model_shape_that_is_not_JSON()
    {
        var parts = SafetensorsParts.Read(path);
        parts.Metadata["staticseq2seq.model_shape"] = "{\"HiddenSize\": 7,";
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("metadata entry 'staticseq2seq.model_shape' is not valid JSON", error.Message);
    }

    [Theory]
    [InlineData("HiddenSize", "0", "has HiddenSize 0; it must be a whole number from 1")]
    [InlineData("Layers", "\"one\"", "has Layers \"one\"; it must be a whole number from 1")]
    [InlineData("Cell", "\"Transformer\"", "has Cell \"Transformer\", which is not a cell this library knows (Rnn, Gru")]
    [InlineData("Cell", "\"1\"", "has Cell \"1\", which is not a cell")]
    public void A_model_shape_with_a_bad_field(string field, string value, string expected)
    {
        var parts = SafetensorsParts.Read(path);
        var shape = JsonNode.Parse((string)parts.Metadata["staticseq2seq.model_shape"]!)!.AsObject();
        shape[field] = JsonNode.Parse(value);
        parts.Metadata["staticseq2seq.model_shape"] = shape.ToJsonString();
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains($"metadata entry 'staticseq2seq.model_shape' {expected}", error.Message);
    }

    [Fact]
    public void A_vocabulary_without_the_special_tokens()
    {
        var parts = SafetensorsParts.Read(path);
        parts.Metadata["staticseq2seq.target_vocabulary"] = "[\"a\", \"b\"]";
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("metadata entry 'staticseq2seq.target_vocabulary' is not a valid vocabulary: Id 0 must be the special token <pad>", error.Message);
    }

    [Fact]
    public void A_newer_format_version()
    {
        var parts = SafetensorsParts.Read(path);
        parts.Metadata["staticseq2seq.version"] = "2";
        parts.Write(damaged);

        var error = LoadFails<CheckpointMismatchException>();

        Assert.Contains("written in checkpoint format version 2, and this version of StaticSeq2Seq reads version 1. Update StaticSeq2Seq", error.Message);
    }

    [Fact]
    public void A_model_of_another_shape_is_refused_with_both_shapes()
    {
        var model = new TinyGru2();
        model.InitializeParameters(5);
        var before = model.Parameters.ToArray();

        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(path, model));

        Assert.Contains(
            "saved from a model of shape {\"SourceVocabularySize\":11,\"TargetVocabularySize\":13,\"EmbeddingSize\":5,\"HiddenSize\":7,\"Layers\":1,\"Cell\":\"Gru\",\"MaxSourceLength\":6,\"MaxTargetLength\":5,\"Attention\":\"None\",\"BidirectionalEncoder\":false}, " +
            "but TinyGru2 has shape {\"SourceVocabularySize\":11,\"TargetVocabularySize\":13,\"EmbeddingSize\":5,\"HiddenSize\":7,\"Layers\":2,\"Cell\":\"Gru\",\"MaxSourceLength\":6,\"MaxTargetLength\":5,\"Attention\":\"None\",\"BidirectionalEncoder\":false}",
            error.Message);
        Assert.Equal(path, error.Path);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        var parts = SafetensorsParts.Read(path);
        var offsets = Offsets(parts, OutBias);
        parts.Header.Remove(OutBias);
        parts.Data = parts.Data[..offsets[0]];
        parts.Write(damaged);

        var error = LoadFails<CheckpointMismatchException>();

        Assert.Contains($"its tensors do not match the model's layout: it lacks tensor '{OutBias}'", error.Message);
    }

    [Fact]
    public void An_extra_tensor_is_named()
    {
        var parts = SafetensorsParts.Read(path);
        parts.Header["decoder.attention.weight"] = new JsonObject
        {
            ["dtype"] = "F32",
            ["shape"] = new JsonArray(2),
            ["data_offsets"] = new JsonArray(parts.Data.Length, parts.Data.Length + 8),
        };
        parts.Data = [.. parts.Data, .. new byte[8]];
        parts.Write(damaged);

        var error = LoadFails<CheckpointMismatchException>();

        Assert.Contains("it holds tensor 'decoder.attention.weight', which the model does not have", error.Message);
    }

    [Fact]
    public void A_tensor_of_another_shape_is_named_with_both_shapes()
    {
        // Same size, transposed shape: the header is consistent, but the tensor does not fit the model.
        var parts = SafetensorsParts.Read(path);
        parts.Tensor("decoder.out.weight")["shape"] = new JsonArray(7, 13);
        parts.Write(damaged);

        var error = LoadFails<CheckpointMismatchException>();

        Assert.Contains("'decoder.out.weight' is [7, 13] in the checkpoint but [13, 7] in the model", error.Message);
    }

    [Fact]
    public void A_weights_only_checkpoint_cannot_resume_a_trainer()
    {
        var model = new TinyGru();
        var trainer = new Seq2SeqTrainer(model);

        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(path, model, trainer));

        Assert.Contains("holds no training state (it was saved without a trainer)", error.Message);
        Assert.Equal(0L, trainer.StepsCompleted);
    }

    [Fact]
    public void A_trainer_with_other_settings_is_refused_with_both_values()
    {
        var model = new TinyGru();
        model.InitializeParameters(3);
        var trainer = new Seq2SeqTrainer(model, CheckpointTestData.Options("Adam", epochs: 1));
        trainer.Train(CheckpointTestData.RandomPairs(model.Shape, 8, seed: 4));
        Checkpoint.Save(path, model, trainer: trainer);
        var other = new TinyGru();
        var options = CheckpointTestData.Options("AdamW", epochs: 1) with { Seed = 18, BatchSize = 5 };
        var otherTrainer = new Seq2SeqTrainer(other, options);

        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(path, other, otherTrainer));

        Assert.Contains("optimizer Adam in the checkpoint, AdamW in the trainer", error.Message);
        Assert.Contains("Seed 17 in the checkpoint, 18 in the trainer", error.Message);
        Assert.Contains("BatchSize 4 in the checkpoint, 5 in the trainer", error.Message);
        Assert.Equal(0L, otherTrainer.StepsCompleted);
        Assert.Equal(0L, otherTrainer.Optimizer.StepCount);
        Assert.All(other.Parameters.ToArray(), value => Assert.Equal(0f, value));
    }

    [Fact]
    public void A_different_optimizer_hyperparameter_is_named()
    {
        var model = new TinyGru();
        var trainer = new Seq2SeqTrainer(model, CheckpointTestData.Options("SGD", epochs: 1));
        Checkpoint.Save(path, model, trainer: trainer);
        var options = CheckpointTestData.Options("SGD", epochs: 1) with { CreateOptimizer = count => new StaticSeq2Seq.Optimization.SgdMomentum(count, 0.05f, momentum: 0.8, weightDecay: 0.001) };
        var other = new TinyGru();

        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(path, other, new Seq2SeqTrainer(other, options)));

        Assert.Contains("SGD momentum 0.9 in the checkpoint, 0.8 in the trainer", error.Message);
    }

    [Fact]
    public void Optimizer_tensors_without_the_training_state_are_named()
    {
        var model = new TinyGru();
        Checkpoint.Save(path, model, trainer: new Seq2SeqTrainer(model));
        var parts = SafetensorsParts.Read(path);
        parts.Metadata.Remove("staticseq2seq.optimizer");
        parts.Metadata.Remove("staticseq2seq.trainer");
        parts.Write(damaged);

        var error = LoadFails<CheckpointMismatchException>();

        Assert.Contains("it holds tensors 'optimizer.exp_avg.encoder.embedding.weight', ", error.Message);
        Assert.Contains("and 16 more, which the model does not have (optimizer tensors without the training state that names them)", error.Message);
    }

    [Fact]
    public void Half_of_the_training_state()
    {
        var model = new TinyGru();
        Checkpoint.Save(path, model, trainer: new Seq2SeqTrainer(model));
        var parts = SafetensorsParts.Read(path);
        parts.Metadata.Remove("staticseq2seq.trainer");
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("the metadata has 'staticseq2seq.optimizer' but not 'staticseq2seq.trainer'", error.Message);
    }

    [Fact]
    public void Inconsistent_epoch_counters()
    {
        var model = new TinyGru();
        Checkpoint.Save(path, model, trainer: new Seq2SeqTrainer(model));
        var parts = SafetensorsParts.Read(path);
        var trainer = JsonNode.Parse((string)parts.Metadata["staticseq2seq.trainer"]!)!.AsObject();
        trainer["epoch_pairs_completed"] = 5;
        parts.Metadata["staticseq2seq.trainer"] = trainer.ToJsonString();
        parts.Write(damaged);

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("has epoch_pairs_completed 5 and epoch_size 0", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_at_all()
    {
        File.WriteAllText(damaged, "version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 12345\n");

        var error = LoadFails<CheckpointFormatException>();

        Assert.Contains("more than the 104857600 bytes (100 MiB) allowed", error.Message);
    }

    [Fact]
    public void A_plain_state_dict_without_metadata_loads_as_weights_only()
    {
        var parts = SafetensorsParts.Read(path);
        parts.Header.Remove("__metadata__");
        parts.Write(damaged);
        var model = new TinyGru();

        var info = Checkpoint.Load(damaged, model);

        Assert.Equal(0, info.FormatVersion);
        Assert.Null(info.Shape);
        Assert.Null(info.SourceVocabulary);
        Assert.Empty(info.Metadata);
        var original = new TinyGru();
        Checkpoint.Load(path, original);
        Assert.Equal(original.Parameters.ToArray(), model.Parameters.ToArray());
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(folder.File("absent.safetensors"), new TinyGru()));
    }

    private TException LoadFails<TException>()
        where TException : CheckpointException
    {
        var model = new TinyGru();
        model.InitializeParameters(9);
        var before = model.Parameters.ToArray();
        var error = Assert.Throws<TException>(() => Checkpoint.Load(damaged, model));
        Assert.StartsWith($"Checkpoint '{damaged}': ", error.Message);
        Assert.Equal(before, model.Parameters.ToArray());
        return error;
    }

    private static int[] Offsets(SafetensorsParts parts, string name) =>
        parts.Tensor(name)["data_offsets"]!.AsArray().Select(o => (int)o!).ToArray();
}
