using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Tests.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Attention;

/// <summary>A model's attention kind is part of its shape: checkpoints keep it and refuse a model of another kind.</summary>
public sealed class AttentionCheckpoints : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    public static TheoryData<string> Models => AttentionModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Parameters_and_the_attention_kind_load_back(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 21);
        var path = folder.File("model.safetensors");

        Checkpoint.Save(path, model);
        var loaded = AttentionModels.Create(modelName, seed: 22);
        var info = Checkpoint.Load(path, loaded);

        Assert.Equal(AttentionModels.Kind(modelName), model.Shape.Attention);
        Assert.Equal(model.Shape, info.Shape);
        Assert.Equal(CheckpointTestData.Bits(model.Parameters), CheckpointTestData.Bits(loaded.Parameters));
    }

    [Fact]
    public void A_checkpoint_with_attention_does_not_load_into_the_same_sizes_without_it_nor_the_other_way()
    {
        ISeq2SeqModel attending = AttentionModels.Create(nameof(BahdanauGru), seed: 1), plain = new TinyGru();
        plain.InitializeParameters(2);
        Assert.Equal(plain.Shape with { Attention = AttentionKind.Bahdanau }, attending.Shape);

        var withAttention = folder.File("bahdanau.safetensors");
        Checkpoint.Save(withAttention, attending);
        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(withAttention, plain));
        Assert.Contains("\"Attention\":\"Bahdanau\"", error.Message, StringComparison.Ordinal);

        var without = folder.File("plain.safetensors");
        Checkpoint.Save(without, plain);
        Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(without, attending));
    }
}
