using System.Text;
using System.Text.Json.Nodes;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Checkpoints;

/// <summary>
/// Headers whose text the JSON reader accepts but cannot turn into strings (bytes that are not UTF-8, escaped lone
/// surrogates), and training-state values of the wrong JSON type: each is refused as a damaged file, never with the
/// reader's own InvalidOperationException.
/// </summary>
public sealed class CheckpointHeaderTextTests : IDisposable
{
    private readonly TemporaryFolder folder = new();
    private readonly string path;
    private readonly string damaged;

    public CheckpointHeaderTextTests()
    {
        var model = new TinyGru();
        model.InitializeParameters(1);
        var trainer = new Seq2SeqTrainer(model, CheckpointTestData.Options("Adam", epochs: 1));
        trainer.Train(CheckpointTestData.RandomPairs(model.Shape, 4, seed: 2));
        path = folder.File("model.safetensors");
        damaged = folder.File("damaged.safetensors");
        Checkpoint.Save(path, model, CheckpointTestData.Vocabulary(11, "s"), CheckpointTestData.Vocabulary(13, "t"), trainer);
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_header_with_bytes_that_are_not_UTF8_inside_a_name()
    {
        var parts = SafetensorsParts.Read(path);
        var json = Encoding.UTF8.GetBytes(parts.Header.ToJsonString());
        var name = Encoding.UTF8.GetBytes("decoder.out.bias");
        var at = json.AsSpan().IndexOf(name);
        json[at] = 0xFF;
        WriteRaw(json, parts.Data);

        var error = LoadFails();

        Assert.Contains("header is not valid UTF-8 text", error.Message);
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("\\udc00x")]
    public void A_tensor_name_with_an_escaped_lone_surrogate(string escape)
    {
        var parts = SafetensorsParts.Read(path);
        var json = parts.Header.ToJsonString().Replace("\"decoder.out.bias\"", $"\"decoder.out.bias{escape}\"", StringComparison.Ordinal);
        SafetensorsParts.WriteRaw(damaged, json, parts.Data);

        var error = LoadFails();

        Assert.Contains("holds a name or string that is not valid text", error.Message);
    }

    [Fact]
    public void A_vocabulary_token_with_an_escaped_lone_surrogate()
    {
        var parts = SafetensorsParts.Read(path);
        var tokens = JsonNode.Parse(parts.Metadata["staticseq2seq.target_vocabulary"]!.GetValue<string>())!.AsArray();
        var json = tokens.ToJsonString().Replace(tokens[5]!.ToJsonString(), "\"\\ud800\"", StringComparison.Ordinal);
        parts.Metadata["staticseq2seq.target_vocabulary"] = json;
        parts.Write(damaged);

        var error = LoadFails();

        Assert.Contains("metadata entry 'staticseq2seq.target_vocabulary' holds a string that is not valid text", error.Message);
    }

    [Theory]
    [InlineData("staticseq2seq.optimizer", "lr", "[]", "has lr []; it must be a finite learning rate")]
    [InlineData("staticseq2seq.optimizer", "beta1", "\"0.9\"", "has beta1 \"0.9\"; it must be a finite number")]
    [InlineData("staticseq2seq.trainer", "seed", "true", "has seed true; it must be a whole number")]
    [InlineData("staticseq2seq.trainer", "clip_norm", "null", "has clip_norm null; it must be a finite number")]
    [InlineData("staticseq2seq.trainer", "base_lr", "{}", "has base_lr {}; it must be a finite learning rate")]
    public void A_training_value_that_is_not_a_number(string key, string field, string value, string expected)
    {
        var parts = SafetensorsParts.Read(path);
        var entry = JsonNode.Parse(parts.Metadata[key]!.GetValue<string>())!.AsObject();
        Assert.True(entry.ContainsKey(field), $"{key} has no {field}: {entry.ToJsonString()}");
        entry[field] = JsonNode.Parse(value);
        parts.Metadata[key] = entry.ToJsonString();
        parts.Write(damaged);

        var error = LoadFails();

        Assert.Contains($"metadata entry '{key}' {expected}", error.Message);
    }

    private void WriteRaw(byte[] json, byte[] data)
    {
        var bytes = new byte[8 + json.Length + data.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        File.WriteAllBytes(damaged, bytes);
    }

    private CheckpointFormatException LoadFails()
    {
        var model = new TinyGru();
        model.InitializeParameters(9);
        var before = model.Parameters.ToArray();
        var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(damaged, model));
        Assert.Equal(before, model.Parameters.ToArray());
        return error;
    }
}
