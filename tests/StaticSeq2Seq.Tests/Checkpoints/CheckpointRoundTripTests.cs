using System.Text.Json;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Checkpoints;

public sealed class CheckpointRoundTripTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    public static TheoryData<string> Models => CheckpointTestData.AllModels();

    [Theory]
    [MemberData(nameof(Models))]
    public void Parameters_and_vocabularies_load_back_bit_for_bit(string modelName)
    {
        var model = CheckpointTestData.Model(modelName, seed: 21);
        var source = CheckpointTestData.Vocabulary(model.Shape.SourceVocabularySize, "s");
        var target = CheckpointTestData.Vocabulary(model.Shape.TargetVocabularySize - 2, "t");
        var path = folder.File("model.safetensors");

        Checkpoint.Save(path, model, source, target);
        var loaded = CheckpointTestData.Model(modelName, seed: 22);
        var info = Checkpoint.Load(path, loaded);

        Assert.Equal(CheckpointTestData.Bits(model.Parameters), CheckpointTestData.Bits(loaded.Parameters));
        Assert.Equal(Checkpoint.FormatVersion, info.FormatVersion);
        Assert.Equal(model.Shape, info.Shape);
        Assert.Equal(source.Tokens, info.SourceVocabulary!.Tokens);
        Assert.Equal(target.Tokens, info.TargetVocabulary!.Tokens);
        Assert.Null(info.Training);
        Assert.Equal(model.Layout.Tensors.Select(t => t.Name), info.TensorNames);
    }

    [Fact]
    public void Tensors_are_stored_in_PyTorch_order_under_the_layout_names()
    {
        var model = CheckpointTestData.Model(nameof(WideGru), seed: 3);
        var path = folder.File("model.safetensors");

        Checkpoint.Save(path, model);

        var parts = SafetensorsParts.Read(path);
        Assert.Contains(model.Layout.Tensors, t => t.Transposed);
        foreach (var tensor in model.Layout.Tensors)
        {
            var entry = parts.Tensor(tensor.Name);
            Assert.Equal("F32", (string)entry["dtype"]!);
            Assert.Equal(tensor.Shape, entry["shape"]!.AsArray().Select(d => (int)d!));
            var offsets = entry["data_offsets"]!.AsArray().Select(o => (int)o!).ToArray();
            var stored = new float[tensor.Length];
            Buffer.BlockCopy(parts.Data, offsets[0], stored, 0, offsets[1] - offsets[0]);
            var expected = new float[tensor.Length];
            tensor.CopyToPyTorchOrder(model.Parameters, expected);
            Assert.Equal(CheckpointTestData.Bits(expected), CheckpointTestData.Bits(stored));
        }
    }

    [Fact]
    public void The_header_is_padded_to_eight_bytes_and_the_metadata_names_the_format_shape_and_vocabularies()
    {
        var model = new TinyGru();
        model.InitializeParameters(1);
        var path = folder.File("model.safetensors");

        Checkpoint.Save(path, model, CheckpointTestData.Vocabulary(11, "s"), null);

        var bytes = File.ReadAllBytes(path);
        var headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        var metadata = SafetensorsParts.Read(path).Metadata;
        Assert.Equal("pt", (string)metadata["format"]!);
        Assert.Equal("1", (string)metadata["staticseq2seq.version"]!);
        Assert.False(metadata.ContainsKey("staticseq2seq.target_vocabulary"));
        Assert.False(metadata.ContainsKey("staticseq2seq.optimizer"));
        using var shape = JsonDocument.Parse((string)metadata["staticseq2seq.model_shape"]!);
        // Every ModelShape field, by name, so a field added to ModelShape without a checkpoint entry fails here.
        Assert.Equal(
            typeof(ModelShape).GetProperties().Where(p => p.Name != "EqualityContract").Select(p => p.Name).Order(),
            shape.RootElement.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("Gru", shape.RootElement.GetProperty("Cell").GetString());
        Assert.Equal(7, shape.RootElement.GetProperty("HiddenSize").GetInt32());
        using var tokens = JsonDocument.Parse((string)metadata["staticseq2seq.source_vocabulary"]!);
        Assert.Equal(["<pad>", "<sos>", "<eos>", "<unk>"], tokens.RootElement.EnumerateArray().Take(4).Select(t => t.GetString()));
    }

    [Fact]
    public void Saving_with_a_trainer_stores_the_optimizer_state_under_PyTorch_names_in_PyTorch_order()
    {
        var model = new TinyGru2();
        model.InitializeParameters(4);
        var trainer = new Seq2SeqTrainer(model, CheckpointTestData.Options("Adam", epochs: 1));
        trainer.Train(CheckpointTestData.RandomPairs(model.Shape, 10, seed: 8));
        var adam = (Adam)trainer.Optimizer;
        var path = folder.File("model.safetensors");

        Checkpoint.Save(path, model, trainer: trainer);

        var info = Checkpoint.ReadInfo(path);
        var names = model.Layout.Tensors.Select(t => t.Name).ToArray();
        Assert.Equal(
            names.Concat(names.Select(n => $"optimizer.exp_avg.{n}")).Concat(names.Select(n => $"optimizer.exp_avg_sq.{n}")),
            info.TensorNames);
        var training = info.Training!;
        Assert.Equal("Adam", training.OptimizerKind);
        Assert.Equal(0.01f, training.LearningRate);
        Assert.Equal(3L, training.OptimizerStepCount);
        Assert.Equal([new("beta1", 0.9), new("beta2", 0.999), new("eps", 1e-8), new("weight_decay", 0.0)], training.OptimizerSettings);
        Assert.Equal((17UL, 4, 1f, 3L, 1, 0, 0), (training.Seed, training.BatchSize, training.ClipNorm, training.StepsCompleted, training.EpochsCompleted, training.EpochPairsCompleted, training.EpochSize));

        var parts = SafetensorsParts.Read(path);
        var tensor = model.Layout["decoder.rnn.weight_hh_l1"];
        var offsets = parts.Tensor("optimizer.exp_avg_sq.decoder.rnn.weight_hh_l1")["data_offsets"]!.AsArray().Select(o => (int)o!).ToArray();
        var stored = new float[tensor.Length];
        Buffer.BlockCopy(parts.Data, offsets[0], stored, 0, offsets[1] - offsets[0]);
        var expected = new float[tensor.Length];
        tensor.CopyToPyTorchOrder(adam.SecondMoments, expected);
        Assert.Equal(CheckpointTestData.Bits(expected), CheckpointTestData.Bits(stored));
    }

    [Fact]
    public void A_checkpoint_saved_with_a_trainer_loads_into_a_model_alone()
    {
        var model = new TinyRnn();
        model.InitializeParameters(6);
        var trainer = new Seq2SeqTrainer(model, CheckpointTestData.Options("SGD", epochs: 1));
        trainer.Train(CheckpointTestData.RandomPairs(model.Shape, 9, seed: 2));
        var path = folder.File("model.safetensors");
        Checkpoint.Save(path, model, trainer: trainer);

        var loaded = new TinyRnn();
        var info = Checkpoint.Load(path, loaded);

        Assert.Equal(CheckpointTestData.Bits(model.Parameters), CheckpointTestData.Bits(loaded.Parameters));
        Assert.Equal("SGD", info.Training!.OptimizerKind);
    }

    [Fact]
    public void Saving_again_after_a_load_writes_the_same_bytes()
    {
        var model = new TinyGru();
        model.InitializeParameters(10);
        var trainer = new Seq2SeqTrainer(model, CheckpointTestData.Options("AdamW", epochs: 1));
        trainer.Train(CheckpointTestData.RandomPairs(model.Shape, 7, seed: 1));
        var first = folder.File("first.safetensors");
        Checkpoint.Save(first, model, CheckpointTestData.Vocabulary(11, "s"), CheckpointTestData.Vocabulary(13, "t"), trainer);

        var copy = new TinyGru();
        var copyTrainer = new Seq2SeqTrainer(copy, CheckpointTestData.Options("AdamW", epochs: 1));
        var info = Checkpoint.Load(first, copy, copyTrainer);
        var second = folder.File("second.safetensors");
        Checkpoint.Save(second, copy, info.SourceVocabulary, info.TargetVocabulary, copyTrainer);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void A_save_leaves_no_temporary_file_and_replaces_an_earlier_checkpoint()
    {
        var model = new TinyGru();
        model.InitializeParameters(1);
        var path = folder.File("model.safetensors");
        Checkpoint.Save(path, model);
        var before = File.ReadAllBytes(path);

        model.InitializeParameters(2);
        Checkpoint.Save(path, model);

        Assert.Equal(["model.safetensors"], folder.Files());
        Assert.NotEqual(before, File.ReadAllBytes(path));
        var loaded = new TinyGru();
        Checkpoint.Load(path, loaded);
        Assert.Equal(CheckpointTestData.Bits(model.Parameters), CheckpointTestData.Bits(loaded.Parameters));
    }

    [Fact]
    public void A_failed_save_leaves_the_earlier_checkpoint_and_no_temporary_file()
    {
        var model = new TinyGru();
        model.InitializeParameters(1);
        var path = folder.File("model.safetensors");
        Checkpoint.Save(path, model);
        var before = File.ReadAllBytes(path);
        // A directory where the file should go makes the final rename fail after the temporary file is complete.
        var blocked = folder.File("blocked.safetensors");
        Directory.CreateDirectory(blocked);

        Assert.ThrowsAny<IOException>(() => Checkpoint.Save(blocked, model));

        Assert.Equal(["model.safetensors"], folder.Files());
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_vocabulary_larger_than_the_model_is_refused_on_save()
    {
        var model = new TinyGru();
        var path = folder.File("model.safetensors");

        var error = Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, model, CheckpointTestData.Vocabulary(12, "s")));

        Assert.Contains("source vocabulary has 12 tokens but the model's SourceVocabularySize is 11", error.Message);
        Assert.Empty(folder.Files());
    }

    [Fact]
    public void A_trainer_of_another_model_is_refused()
    {
        var model = new TinyGru();
        var trainer = new Seq2SeqTrainer(new TinyGru());
        var path = folder.File("model.safetensors");

        var error = Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, model, trainer: trainer));

        Assert.Contains("another model instance", error.Message);
    }

    [Fact]
    public void An_optimizer_whose_state_a_checkpoint_cannot_hold_is_refused_on_save()
    {
        var model = new TinyGru();
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions { CreateOptimizer = count => new CountingOptimizer(count) });
        var path = folder.File("model.safetensors");

        var error = Assert.Throws<NotSupportedException>(() => Checkpoint.Save(path, model, trainer: trainer));

        Assert.Contains("Adam, AdamW and SgdMomentum", error.Message);
        Assert.Contains(nameof(CountingOptimizer), error.Message);
        Assert.Empty(folder.Files());
    }

    private sealed class CountingOptimizer(int parameterCount) : IOptimizer
    {
        public int ParameterCount { get; } = parameterCount;

        public float LearningRate { get; set; }

        public long StepCount { get; private set; }

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => StepCount++;
    }
}
