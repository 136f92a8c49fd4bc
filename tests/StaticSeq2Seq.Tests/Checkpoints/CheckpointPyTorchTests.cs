using System.Runtime.CompilerServices;
using System.Text.Json;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Tests.Interop;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Training;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Checkpoints;

/// <summary>
/// PyTorch reads a checkpoint (checkpoint_pytorch.py, next to this file, through tools/pytorch's module, which parses
/// it with nothing but the standard library and torch), loads it with strict <c>load_state_dict</c>, and computes the
/// same losses and greedy decodes; then it continues the training for one step from the saved optimizer state and
/// writes a checkpoint of its own, which loads here, keeps the application's metadata and matches this library's own
/// next step. Skipped where /usr/bin/python3 has no torch.
/// </summary>
public sealed class CheckpointPyTorchTests(ITestOutputHelper output) : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [PyTorchTheory]
    [InlineData(nameof(TinyGru2), "Adam")]
    [InlineData(nameof(TinyRnn), "SGD")]
    [InlineData(nameof(WideGru), "AdamW")]
    [InlineData(nameof(TinyLstm2), "Adam")]
    public void PyTorch_reads_the_checkpoint_and_continues_its_training_as_this_library_does(string modelName, string optimizer)
    {
        var model = CheckpointTestData.Model(modelName, seed: 31);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 12, seed: 9);
        var trainer = new Seq2SeqTrainer(model, CheckpointTestData.Options(optimizer, epochs: 1));
        trainer.Train(pairs);
        var ours = folder.File("ours.safetensors");
        var source = CheckpointTestData.Vocabulary(model.Shape.SourceVocabularySize, "s");
        var runSettings = new Dictionary<string, string> { ["app.run"] = "{\"corpus\": \"pairs.tsv\"}" };
        Checkpoint.Save(ours, model, source, null, trainer, runSettings);

        int[] batch = [0, 3, 5, 8, 11];
        var theirs = folder.File("theirs.safetensors");
        var job = JsonSerializer.Serialize(new { pairs = pairs.Select(p => new[] { p.Source, p.Target }), batch });
        using var result = JsonDocument.Parse(PyTorch.Run(ScriptPath(), ours, theirs, job));
        var root = result.RootElement;
        output.WriteLine($"PyTorch {root.GetProperty("torch").GetString()}");

        Assert.Equal(model.Layout.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal), root.GetProperty("tensors").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(source.Tokens, root.GetProperty("source_vocabulary").EnumerateArray().Select(t => t.GetString()));
        var workspace = model.CreateWorkspace();
        var decoded = new int[model.Shape.MaxTargetLength];
        var losses = root.GetProperty("losses").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        var greedy = root.GetProperty("greedy").EnumerateArray().Select(d => d.EnumerateArray().Select(t => t.GetInt32()).ToArray()).ToArray();
        for (var i = 0; i < pairs.Length; i++)
        {
            var loss = model.Forward(workspace, pairs[i].Source, pairs[i].Target);
            Assert.True(Math.Abs(loss - losses[i]) <= 1e-5 * losses[i], $"Pair {i}: loss {loss:R} here, {losses[i]:R} in PyTorch.");
            var length = model.DecodeGreedy(workspace, pairs[i].Source, decoded);
            Assert.Equal(greedy[i], decoded.Take(length));
        }

        // This library's next step, and PyTorch's, from the same saved state.
        var stepLoss = trainer.TrainStep(pairs, batch);
        Assert.True(Math.Abs(stepLoss - root.GetProperty("step_loss").GetDouble()) <= 1e-5 * stepLoss);
        var fromPyTorch = CheckpointTestData.Model(modelName, seed: 0);
        var fromPyTorchTrainer = new Seq2SeqTrainer(fromPyTorch, CheckpointTestData.Options(optimizer, epochs: 1));
        var info = Checkpoint.Load(theirs, fromPyTorch, fromPyTorchTrainer);

        Assert.Equal(trainer.StepsCompleted, fromPyTorchTrainer.StepsCompleted);
        Assert.Equal(trainer.Optimizer.StepCount, fromPyTorchTrainer.Optimizer.StepCount);
        Assert.Equal(source.Tokens, info.SourceVocabulary!.Tokens);
        Assert.Equal(runSettings["app.run"], info.Metadata["app.run"]);
        AssertClose("parameters", model.Parameters.ToArray(), fromPyTorch.Parameters.ToArray());
        var expectedBuffers = CheckpointTestData.OptimizerBuffers(trainer.Optimizer);
        var actualBuffers = CheckpointTestData.OptimizerBuffers(fromPyTorchTrainer.Optimizer);
        for (var b = 0; b < expectedBuffers.Length; b++)
        {
            AssertClose($"optimizer buffer {b}", expectedBuffers[b], actualBuffers[b]);
        }
    }

    // PyTorch's kernels sum in another order, so values agree to float rounding, not bit for bit: the worst seen is 2e-5
    // relative (printed). A wrongly ordered, transposed or misnamed tensor is off by the size of the values themselves.
    private void AssertClose(string what, float[] expected, float[] actual)
    {
        var worst = 0.0;
        var worstIndex = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = Math.Abs(expected[i] - actual[i]) / (1e-4 + Math.Abs(expected[i]));
            if (difference > worst)
            {
                (worst, worstIndex) = (difference, i);
            }
        }
        output.WriteLine($"{what}: worst relative difference {worst:E2} at {worstIndex}.");
        Assert.True(worst <= 1e-3, $"{what}: float {worstIndex} is {expected[worstIndex]:R} here and {actual[worstIndex]:R} after PyTorch's step.");
    }

    private static string ScriptPath([CallerFilePath] string testFile = "") =>
        Path.Combine(Path.GetDirectoryName(testFile)!, "checkpoint_pytorch.py");
}
