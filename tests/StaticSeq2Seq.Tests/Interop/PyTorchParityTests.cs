using StaticSeq2Seq.Checkpoints;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Interop;

/// <summary>
/// The PyTorch module in tools/pytorch computes what the generated models compute, with weights moving both ways
/// through checkpoints: weights initialised here, saved and loaded there, and weights initialised by PyTorch, saved
/// there and loaded here, give the same loss, the same logits at every teacher-forced step and the same greedy decode
/// (tokens and each step's logits) for every cell with every attention kind, with one- and two-layer decoders and
/// unidirectional and bidirectional encoders. PyTorch runs once for all cases
/// (<see cref="PyTorchParityRun"/>), on padded batches, so its masking of the source and of the target's steps is
/// tested too. Skipped where /usr/bin/python3 has no torch.
/// </summary>
public sealed class PyTorchParityTests(PyTorchParityRun run, ITestOutputHelper output) : IClassFixture<PyTorchParityRun>
{
    // Float32 logits computed twice, by the generated kernels and by PyTorch's (OpenBLAS), from the same weights: the
    // two sum in different orders and use different exp/tanh/sigmoid approximations, so they agree to rounding, not bit
    // for bit. Each logit is a dot product over the hidden state at the end of up to 6 + 6 recurrent steps in 2 layers,
    // each step a few float32 roundings (2^-24 ≈ 6e-8 relative) of values of order 1, amplified little because the
    // cells contract (|tanh'|, |σ'| ≤ 1); the worst seen is printed by each case and is a few 1e-7. The bound is
    // |ours − PyTorch's| ≤ 1e-5 · max(1, |PyTorch's|): absolute 1e-5 for logits of order 1 or less, relative above.
    // A wrong gate order, a transposed tensor, a misplaced context or an unmasked source position changes logits by
    // the order of the values themselves, 10^4 times the bound.
    private const double Tolerance = 1e-5;

    [PyTorchTheory]
    [MemberData(nameof(Models))]
    public void Weights_saved_here_give_PyTorch_the_same_losses_logits_and_greedy_decodes(string modelName)
    {
        var result = run.Result(PyTorchParityRun.CSharpToPyTorch, modelName);
        var model = run.CSharpModel(modelName);
        Assert.Equal(PyTorchParityRun.SourceVocabulary(model.Shape).Tokens, result.SourceVocabulary);
        Compare(model, run.Pairs(modelName), result, $"C# -> PyTorch, {modelName}");
    }

    [PyTorchTheory]
    [MemberData(nameof(Models))]
    public void Weights_saved_by_PyTorch_give_the_same_losses_logits_and_greedy_decodes_here(string modelName)
    {
        var result = run.Result(PyTorchParityRun.PyTorchToCSharp, modelName);
        var model = PyTorchParityRun.Create(modelName);
        var info = Checkpoint.Load(run.PyTorchCheckpoint(modelName), model);
        Assert.Equal(model.Shape, info.Shape);
        Assert.Equal(PyTorchParityRun.SourceVocabulary(model.Shape).Tokens, info.SourceVocabulary!.Tokens);
        Assert.Null(info.TargetVocabulary);
        Compare(model, run.Pairs(modelName), result, $"PyTorch -> C#, {modelName}");
    }

    public static TheoryData<string> Models() => new(PyTorchParityRun.ModelNames);

    private void Compare(ISeq2SeqModel model, IReadOnlyList<(int[] Source, int[] Target)> pairs, ParityResult expected, string direction)
    {
        var workspace = model.CreateWorkspace();
        var logits = new float[model.Shape.TargetVocabularySize];
        var decoded = new int[model.Shape.MaxTargetLength];
        var worst = new WorstDifference();
        for (var p = 0; p < pairs.Count; p++)
        {
            var (source, target) = pairs[p];
            var loss = model.Forward(workspace, source, target);
            var torchLoss = expected.Losses[p];
            Assert.True(Math.Abs(loss - torchLoss) <= Tolerance * Math.Max(1, Math.Abs(torchLoss)),
                $"{direction}, pair {p}: loss {loss:R} here, {torchLoss:R} in PyTorch.");
            Assert.Equal(target.Length + 1, expected.Logits[p].Length);
            for (var step = 0; step <= target.Length; step++)
            {
                model.ComputeLogits(workspace, step, logits);
                worst.Compare(logits, expected.Logits[p][step], $"pair {p}, teacher-forced step {step}");
            }

            var length = model.DecodeGreedy(workspace, source, decoded);
            Assert.True(expected.Greedy[p].AsSpan().SequenceEqual(decoded.AsSpan(0, length)),
                $"{direction}, pair {p}: greedy decode [{string.Join(", ", decoded.Take(length))}] here, [{string.Join(", ", expected.Greedy[p])}] in PyTorch.");
            var steps = Math.Min(length + 1, model.Shape.MaxTargetLength);
            Assert.Equal(steps, expected.GreedyLogits[p].Length);
            for (var step = 0; step < steps; step++)
            {
                model.ComputeLogits(workspace, step, logits);
                worst.Compare(logits, expected.GreedyLogits[p][step], $"pair {p}, greedy step {step}");
            }
        }
        output.WriteLine($"{direction}: worst logit difference |ours - PyTorch's| / max(1, |PyTorch's|) = {worst.Value:E2} at {worst.Where} " +
            $"({worst.Count} logits, PyTorch {run.TorchVersion}).");
        Assert.True(worst.Value <= Tolerance,
            $"{direction}: at {worst.Where} a logit is {worst.Ours:R} here and {worst.Theirs:R} in PyTorch, {worst.Value:E2} apart relative to max(1, |PyTorch's|); the bound is {Tolerance:E0}.");
    }

    private sealed class WorstDifference
    {
        public double Value { get; private set; }

        public string Where { get; private set; } = "nowhere";

        public float Ours { get; private set; }

        public double Theirs { get; private set; }

        public int Count { get; private set; }

        public void Compare(ReadOnlySpan<float> ours, double[] theirs, string where)
        {
            Assert.Equal(ours.Length, theirs.Length);
            for (var v = 0; v < ours.Length; v++)
            {
                var difference = Math.Abs(ours[v] - theirs[v]) / Math.Max(1, Math.Abs(theirs[v]));
                Count++;
                if (double.IsNaN(difference) || difference > Value)
                {
                    (Value, Where, Ours, Theirs) = (double.IsNaN(difference) ? double.PositiveInfinity : difference, $"{where}, token {v}", ours[v], theirs[v]);
                }
            }
        }
    }
}
