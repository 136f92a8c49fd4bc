using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Checkpoints;

public sealed class CheckpointApplicationMetadataTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void An_applications_entries_are_stored_as_given_and_read_back_beside_the_librarys()
    {
        var model = new TinyGru();
        model.InitializeParameters(1);
        var path = folder.File("model.safetensors");

        Checkpoint.Save(path, model, metadata: new Dictionary<string, string> { ["myapp.epochs"] = "12", ["myapp.note"] = "é \"quoted\"" });

        var stored = SafetensorsParts.Read(path).Metadata;
        Assert.Equal("12", (string)stored["myapp.epochs"]!);
        Assert.Equal("é \"quoted\"", (string)stored["myapp.note"]!);
        var info = Checkpoint.ReadInfo(path);
        Assert.Equal("12", info.Metadata["myapp.epochs"]);
        Assert.Equal("é \"quoted\"", info.Metadata["myapp.note"]);
        Assert.Equal(model.Shape, info.Shape);
        Assert.Equal("12", Checkpoint.Load(path, model).Metadata["myapp.epochs"]);
    }

    [Theory]
    [InlineData("format")]
    [InlineData("staticseq2seq.version")]
    [InlineData("staticseq2seq.anything")]
    public void A_key_the_library_writes_itself_is_refused_and_no_file_is_written(string key)
    {
        var model = new TinyGru();
        model.InitializeParameters(1);
        var path = folder.File("model.safetensors");

        var error = Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, model, metadata: new Dictionary<string, string> { [key] = "1" }));

        Assert.Equal("metadata", error.ParamName);
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }
}
