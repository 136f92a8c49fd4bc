using StaticSeq2Seq.Tests.Interop;
using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// <see cref="ISeq2SeqModel.ComputeLogits"/> gives the logits the last pass itself read: the teacher-forced loss
/// recomputed from them, and the greedy tokens as their argmax, for every cell and attention kind; it refuses steps
/// the workspace does not hold.
/// </summary>
public sealed class ComputeLogitsTests
{
    public static TheoryData<string> Models() => new(PyTorchParityRun.ModelNames);

    [Theory]
    [MemberData(nameof(Models))]
    public void The_logits_of_every_step_give_the_forward_loss_and_the_greedy_tokens(string modelName)
    {
        var model = PyTorchParityRun.Create(modelName);
        model.InitializeParameters(seed: 4);
        var workspace = model.CreateWorkspace();
        var logits = new float[model.Shape.TargetVocabularySize + 3];
        var decoded = new int[model.Shape.MaxTargetLength];
        var random = new Random(4);
        for (var trial = 0; trial < 4; trial++)
        {
            var source = NumericsModels.Tokens(random, 1 + random.Next(model.Shape.MaxSourceLength), model.Shape.SourceVocabularySize);
            var target = NumericsModels.Tokens(random, 1 + random.Next(model.Shape.MaxTargetLength), model.Shape.TargetVocabularySize);
            var loss = model.Forward(workspace, source, target);
            double recomputed = 0;
            for (var step = 0; step <= target.Length; step++)
            {
                model.ComputeLogits(workspace, step, logits);
                var expected = step < target.Length ? target[step] : SpecialTokens.Eos;
                recomputed += NegativeLogSoftmax(logits.AsSpan(0, model.Shape.TargetVocabularySize), expected);
            }
            Assert.True(Math.Abs(recomputed - loss) <= 1e-5 * Math.Max(1, loss), $"Loss {loss:R} from Forward, {recomputed:R} from the logits.");
            Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeLogits(workspace, target.Length + 1, logits));

            var length = model.DecodeGreedy(workspace, source, decoded);
            var steps = Math.Min(length + 1, model.Shape.MaxTargetLength);
            for (var step = 0; step < steps; step++)
            {
                model.ComputeLogits(workspace, step, logits);
                var argmax = ArgMax(logits.AsSpan(0, model.Shape.TargetVocabularySize));
                Assert.Equal(step < length ? decoded[step] : SpecialTokens.Eos, argmax);
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeLogits(workspace, steps, logits));
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Steps_the_workspace_does_not_hold_and_short_buffers_are_refused(string modelName)
    {
        var model = PyTorchParityRun.Create(modelName);
        model.InitializeParameters(seed: 5);
        var workspace = model.CreateWorkspace();
        var logits = new float[model.Shape.TargetVocabularySize];
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeLogits(workspace, 0, logits));
        model.Forward(workspace, [4, 5], [6]);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeLogits(workspace, -1, logits));
        Assert.Throws<ArgumentException>(() => model.ComputeLogits(workspace, 0, new float[model.Shape.TargetVocabularySize - 1]));
        Assert.Throws<ArgumentException>(() => model.ComputeLogits(new TinyVocabGru().CreateWorkspace(), 0, logits));
        // Step-wise decoding overwrites the kept steps.
        var state = new float[model.DecoderStateSize];
        model.BeginDecode(workspace, [4, 5], state);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeLogits(workspace, 0, logits));
    }

    private static double NegativeLogSoftmax(ReadOnlySpan<float> logits, int index)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }
        foreach (var l in logits)
        {
            sum += Math.Exp(l - max);
        }
        return Math.Log(sum) - (logits[index] - max);
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var v = 1; v < logits.Length; v++)
        {
            if (logits[v] > logits[best])
            {
                best = v;
            }
        }
        return best;
    }
}
