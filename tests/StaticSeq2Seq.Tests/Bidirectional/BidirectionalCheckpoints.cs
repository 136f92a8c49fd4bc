using System.Text.Json.Nodes;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Tests.Attention;
using StaticSeq2Seq.Tests.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Bidirectional;

/// <summary>Checkpoints keep a bidirectional model's reverse tensors and its shape, and refuse a one-way model of the same sizes.</summary>
public sealed class BidirectionalCheckpoints : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    public static TheoryData<string> Models => BidirectionalModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Parameters_and_the_shape_load_back_from_a_checkpoint(string modelName)
    {
        var model = BidirectionalModels.Create(modelName, seed: 21);
        var path = folder.File("model.safetensors");
        Checkpoint.Save(path, model);
        var loaded = BidirectionalModels.Create(modelName, seed: 22);
        var info = Checkpoint.Load(path, loaded);
        Assert.True(info.Shape?.BidirectionalEncoder);
        Assert.Equal(model.Shape, info.Shape);
        Assert.Equal(CheckpointTestData.Bits(model.Parameters), CheckpointTestData.Bits(loaded.Parameters));
    }

    [Fact]
    public void A_bidirectional_checkpoint_does_not_load_into_the_same_sizes_one_way_nor_the_other_way()
    {
        ISeq2SeqModel bidirectional = BidirectionalModels.Create(nameof(BiGru1Bahdanau), seed: 1);
        ISeq2SeqModel oneWay = AttentionModels.Create(nameof(BahdanauGru), seed: 2);
        Assert.Equal(oneWay.Shape with { BidirectionalEncoder = true }, bidirectional.Shape);
        var bidirectionalPath = folder.File("bidirectional.safetensors");
        Checkpoint.Save(bidirectionalPath, bidirectional);
        var oneWayPath = folder.File("one-way.safetensors");
        Checkpoint.Save(oneWayPath, oneWay);

        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(bidirectionalPath, oneWay));
        Assert.Contains("\"BidirectionalEncoder\":true", error.Message, StringComparison.Ordinal);
        Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(oneWayPath, bidirectional));
    }

    [Fact]
    public void A_checkpoint_whose_shape_does_not_say_loads_as_one_way_as_those_written_before_the_option()
    {
        ISeq2SeqModel oneWay = AttentionModels.Create(nameof(BahdanauGru), seed: 3);
        var path = folder.File("older.safetensors");
        Checkpoint.Save(path, oneWay);
        var parts = SafetensorsParts.Read(path);
        var shape = JsonNode.Parse((string)parts.Metadata["staticseq2seq.model_shape"]!)!.AsObject();
        Assert.True(shape.Remove("BidirectionalEncoder"));
        parts.Metadata["staticseq2seq.model_shape"] = shape.ToJsonString();
        parts.Write(path);

        var loaded = AttentionModels.Create(nameof(BahdanauGru), seed: 4);
        Assert.False(Checkpoint.Load(path, loaded).Shape?.BidirectionalEncoder);
        Assert.Equal(CheckpointTestData.Bits(oneWay.Parameters), CheckpointTestData.Bits(loaded.Parameters));
    }

    [Fact]
    public void A_BidirectionalEncoder_entry_that_is_not_true_or_false_is_a_format_error_that_names_it()
    {
        var model = BidirectionalModels.Create(nameof(BiGru1), seed: 5);
        var path = folder.File("damaged.safetensors");
        Checkpoint.Save(path, model);
        var parts = SafetensorsParts.Read(path);
        var shape = JsonNode.Parse((string)parts.Metadata["staticseq2seq.model_shape"]!)!.AsObject();
        shape["BidirectionalEncoder"] = "yes";
        parts.Metadata["staticseq2seq.model_shape"] = shape.ToJsonString();
        parts.Write(path);

        var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(path, BidirectionalModels.Create(nameof(BiGru1), seed: 6)));
        Assert.Contains("BidirectionalEncoder \"yes\", which is not true or false", error.Message, StringComparison.Ordinal);
    }
}
