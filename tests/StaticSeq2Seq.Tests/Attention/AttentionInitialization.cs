using StaticSeq2Seq.Parameters;
using Xunit;

namespace StaticSeq2Seq.Tests.Attention;

/// <summary>The attention's tensors are initialised as the nn.Linear layers they stand for: U(±1/sqrt(in_features)).</summary>
public sealed class AttentionInitialization
{
    public static TheoryData<string> Models => AttentionModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Attention_tensors_are_uniform_within_one_over_the_square_root_of_their_input_width(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 7);
        var h = model.Shape.HiddenSize;
        var attention = model.Layout.Tensors.Where(t => t.Name.StartsWith("decoder.attention.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(attention);
        foreach (var tensor in attention)
        {
            // W_c reads [c ; h], 2H wide; W_a, U_a and V_a read H.
            var fanIn = tensor.Name.StartsWith("decoder.attention.Wc.", StringComparison.Ordinal) ? 2 * h : h;
            var bound = 1 / Math.Sqrt(fanIn);
            Assert.Equal(ParameterInit.Uniform, tensor.Init);
            Assert.Equal(bound, tensor.InitBound, 1e-6);
            var values = new float[tensor.Length];
            tensor.CopyToPyTorchOrder(model.Parameters, values);
            Assert.All(values, v => Assert.InRange(v, -bound, bound));
            // Not all zero or constant: each is drawn.
            Assert.True(values.Distinct().Count() > values.Length / 2, $"{modelName}: {tensor.Name} looks undrawn.");
        }
    }
}
