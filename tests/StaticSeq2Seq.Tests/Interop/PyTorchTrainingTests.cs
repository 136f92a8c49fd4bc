using System.Runtime.CompilerServices;
using System.Text.Json;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Interop;

/// <summary>
/// The README's first interop path: tools/pytorch/train.py trains a model from a shape and a tab-separated corpus,
/// and the checkpoint it saves loads here, with the vocabularies it built, as a model that has learnt the task.
/// </summary>
public sealed class PyTorchTrainingTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("staticseq2seq-interop-training-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [PyTorchFact]
    public void A_model_trained_by_train_py_loads_here_and_has_learnt_to_copy()
    {
        // Copy a sequence of one or two words: learnable by TinyGru (H = 7) in a few hundred Adam steps.
        var random = new Random(3);
        var words = Enumerable.Range(0, 7).Select(w => $"w{w}").ToArray();
        var sentences = Enumerable.Range(0, 48).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(1, 3)).Select(_ => words[random.Next(words.Length)]))).ToArray();
        var corpus = Path.Combine(folder, "copy.tsv");
        File.WriteAllLines(corpus, sentences.Select(s => $"{s}\t{s}"));
        var shape = new TinyGru().Shape;
        var shapeJson = JsonSerializer.Serialize(new
        {
            shape.SourceVocabularySize, shape.TargetVocabularySize, shape.EmbeddingSize, shape.HiddenSize, shape.Layers,
            Cell = shape.Cell.ToString(), shape.MaxSourceLength, shape.MaxTargetLength, Attention = shape.Attention.ToString(),
        });
        var trained = Path.Combine(folder, "trained.safetensors");

        output.WriteLine(PyTorch.Run(TrainScript(), "--shape", shapeJson, "--corpus", corpus, "--out", trained,
            "--epochs", "40", "--batch-size", "8", "--lr", "0.03", "--seed", "2"));

        var model = new TinyGru();
        var info = Checkpoint.Load(trained, model);
        Assert.Equal(shape, info.Shape);
        Assert.Equal(words, info.SourceVocabulary!.Tokens.Skip(SpecialTokens.Count).Order(StringComparer.Ordinal));
        Assert.Equal(words, info.TargetVocabulary!.Tokens.Skip(SpecialTokens.Count).Order(StringComparer.Ordinal));
        var untrained = new TinyGru();
        untrained.InitializeParameters(seed: 2);
        var workspace = model.CreateWorkspace();
        var decoded = new int[TinyGru.MaxTargetLength];
        double loss = 0, untrainedLoss = 0;
        var copied = 0;
        foreach (var sentence in sentences)
        {
            var source = info.SourceVocabulary.Encode(sentence);
            var target = info.TargetVocabulary.Encode(sentence);
            loss += model.Forward(workspace, source, target);
            untrainedLoss += untrained.Forward(untrained.CreateWorkspace(), source, target);
            var length = model.DecodeGreedy(workspace, source, decoded);
            copied += info.TargetVocabulary.Decode(decoded.AsSpan(0, length)) == sentence ? 1 : 0;
        }
        output.WriteLine($"Mean loss here: {loss / sentences.Length:F4} trained in PyTorch, {untrainedLoss / sentences.Length:F4} untrained; {copied} of {sentences.Length} copied exactly.");
        Assert.True(loss < 0.25 * untrainedLoss, $"The trained model's loss {loss:F3} is not a quarter of the untrained model's {untrainedLoss:F3}.");
        Assert.True(copied >= sentences.Length / 2, $"Only {copied} of {sentences.Length} training sentences decode to themselves.");
    }

    private static string TrainScript([CallerFilePath] string testFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(testFile)!, "..", "..", "..", "tools", "pytorch", "train.py"));
}
