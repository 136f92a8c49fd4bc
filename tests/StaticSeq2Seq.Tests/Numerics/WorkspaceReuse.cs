using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>A workspace carries nothing from one call into the next: results do not depend on its history.</summary>
public sealed class WorkspaceReuse
{
    public static TheoryData<string> Models => NumericsModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Loss_gradient_and_decode_are_bit_for_bit_those_of_a_fresh_workspace(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 12);
        var shape = model.Shape;
        var random = new Random(12);
        var longSource = NumericsModels.Tokens(random, shape.MaxSourceLength, shape.SourceVocabularySize);
        var longTarget = NumericsModels.Tokens(random, shape.MaxTargetLength, shape.TargetVocabularySize);

        foreach (var (source, target) in new[] { (new[] { 5 }, new[] { 6 }), (new[] { 7, 4, 9 }, new[] { 3, 8 }) })
        {
            var (freshLoss, freshGradient, freshDecode) = Run(model, model.CreateWorkspace(), source, target);

            // A workspace that has run longer sequences forward, backward and through a decode.
            var used = model.CreateWorkspace();
            model.Forward(used, longSource, longTarget);
            model.Backward(used, new float[model.Layout.ParameterCount], 1f);
            model.DecodeGreedy(used, longSource, new int[shape.MaxTargetLength]);
            model.Forward(used, longSource, longTarget);
            var (loss, gradient, decode) = Run(model, used, source, target);

            Assert.Equal(freshLoss, loss);
            Assert.True(freshGradient.SequenceEqual(gradient), $"{modelName}: the gradient for source {NumericsModels.Show(source)} depends on what the workspace ran before.");
            Assert.Equal(freshDecode, decode);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Two_instances_of_one_model_type_can_take_turns_with_one_workspace(string modelName)
    {
        var first = NumericsModels.Create(modelName, seed: 1);
        var second = NumericsModels.Create(modelName, seed: 2);
        int[] source = [4, 5, 6], target = [7, 8, 9];
        var expectedFirst = Run(first, first.CreateWorkspace(), source, target);
        var expectedSecond = Run(second, second.CreateWorkspace(), source, target);

        var shared = first.CreateWorkspace();
        var actualSecond = Run(second, shared, source, target);
        var actualFirst = Run(first, shared, source, target);
        Assert.Equal(expectedFirst.Loss, actualFirst.Loss);
        Assert.Equal(expectedSecond.Loss, actualSecond.Loss);
        Assert.True(expectedFirst.Gradient.SequenceEqual(actualFirst.Gradient));
        Assert.True(expectedSecond.Gradient.SequenceEqual(actualSecond.Gradient));
        Assert.NotEqual(expectedFirst.Loss, expectedSecond.Loss);
    }

    private static (float Loss, float[] Gradient, int[] Decode) Run(ISeq2SeqModel model, Seq2SeqWorkspace workspace, int[] source, int[] target)
    {
        var loss = model.Forward(workspace, source, target);
        var gradient = new float[model.Layout.ParameterCount];
        model.Backward(workspace, gradient, 1f);
        var output = new int[model.Shape.MaxTargetLength];
        var count = model.DecodeGreedy(workspace, source, output);
        return (loss, gradient, output[..count]);
    }
}
