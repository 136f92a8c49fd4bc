using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>Bad input to a generated model's entry points gets the documented exception and loses nothing.</summary>
public sealed class InputValidation
{
    public static TheoryData<string> Models => NumericsModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void A_token_id_outside_the_vocabulary_is_an_ArgumentOutOfRangeException(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 1);
        var workspace = model.CreateWorkspace();
        var shape = model.Shape;
        int[] goodSource = [4, 5], goodTarget = [6];
        var output = new int[shape.MaxTargetLength];

        foreach (var bad in new[] { shape.SourceVocabularySize, -1, int.MaxValue, int.MinValue })
        {
            var forward = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(workspace, [4, bad], goodTarget));
            Assert.Equal("source", forward.ParamName);
            Assert.Equal(bad, forward.ActualValue);
            var decode = Assert.Throws<ArgumentOutOfRangeException>(() => model.DecodeGreedy(workspace, [bad], output));
            Assert.Equal("source", decode.ParamName);
        }
        foreach (var bad in new[] { shape.TargetVocabularySize, -1 })
        {
            var forward = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(workspace, goodSource, [6, 7, bad]));
            Assert.Equal("target", forward.ParamName);
            Assert.Contains("Token 2", forward.Message, StringComparison.Ordinal);
        }
        // The largest ids are accepted.
        model.Forward(workspace, [shape.SourceVocabularySize - 1], [shape.TargetVocabularySize - 1]);
        model.DecodeGreedy(workspace, [shape.SourceVocabularySize - 1], output);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void An_empty_or_too_long_sequence_is_an_ArgumentException(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 1);
        var workspace = model.CreateWorkspace();
        var shape = model.Shape;
        var output = new int[shape.MaxTargetLength];
        var longestSource = Enumerable.Repeat(4, shape.MaxSourceLength).ToArray();
        var longestTarget = Enumerable.Repeat(4, shape.MaxTargetLength).ToArray();
        int[] tooLongSource = [.. longestSource, 4], tooLongTarget = [.. longestTarget, 4];

        Assert.Equal("source", Assert.Throws<ArgumentException>(() => model.Forward(workspace, [], [4])).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => model.Forward(workspace, [4], [])).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => model.Forward(workspace, tooLongSource, [4])).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => model.Forward(workspace, [4], tooLongTarget)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => model.DecodeGreedy(workspace, [], output)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => model.DecodeGreedy(workspace, tooLongSource, output)).ParamName);
        var message = Assert.Throws<ArgumentException>(() => model.Forward(workspace, tooLongSource, [4])).Message;
        Assert.Contains(shape.MaxSourceLength.ToString(System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);

        // The longest sequences are accepted.
        model.Forward(workspace, longestSource, longestTarget);
        model.DecodeGreedy(workspace, longestSource, output);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_short_output_or_gradient_buffer_is_an_ArgumentException(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 1);
        var workspace = model.CreateWorkspace();
        var shortOutput = new int[model.Shape.MaxTargetLength - 1];
        var decode = Assert.Throws<ArgumentException>(() => model.DecodeGreedy(workspace, [4], shortOutput));
        Assert.Equal("output", decode.ParamName);
        // An output of exactly the maximum target length is enough.
        model.DecodeGreedy(workspace, [4], new int[model.Shape.MaxTargetLength]);

        model.Forward(workspace, [4], [5]);
        var backward = Assert.Throws<ArgumentException>(() => model.Backward(workspace, new float[model.Layout.ParameterCount - 1], 1f));
        Assert.Equal("gradients", backward.ParamName);
    }

    [Fact]
    public void A_workspace_from_another_model_type_is_an_ArgumentException()
    {
        var gru = new TinyGru();
        var rnn = new TinyRnn();
        var wide = new WideGru();
        var rnnWorkspace = rnn.CreateWorkspace();
        var gradients = new float[gru.Layout.ParameterCount];
        var output = new int[gru.Shape.MaxTargetLength];

        // Same sizes, other cell: the workspace offsets would not match.
        Assert.Equal("workspace", Assert.Throws<ArgumentException>(() => gru.Forward(rnnWorkspace, [4], [5])).ParamName);
        Assert.Equal("workspace", Assert.Throws<ArgumentException>(() => gru.DecodeGreedy(rnnWorkspace, [4], output)).ParamName);
        rnn.Forward(rnnWorkspace, [4], [5]);
        Assert.Equal("workspace", Assert.Throws<ArgumentException>(() => gru.Backward(rnnWorkspace, gradients, 1f)).ParamName);
        Assert.Throws<ArgumentException>(() => wide.Forward(gru.CreateWorkspace(), [4], [5]));
        Assert.Throws<ArgumentNullException>(() => gru.Forward(null!, [4], [5]));

        // Another instance of the same model type may share a workspace.
        new TinyGru().Forward(gru.CreateWorkspace(), [4], [5]);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Backward_without_a_forward_pass_is_an_InvalidOperationException(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 1);
        var workspace = model.CreateWorkspace();
        var gradients = new float[model.Layout.ParameterCount];

        // A new workspace holds no forward pass.
        Assert.Throws<InvalidOperationException>(() => model.Backward(workspace, gradients, 1f));

        // A decode reuses the workspace and so discards the forward pass.
        model.Forward(workspace, [4, 5], [6]);
        model.DecodeGreedy(workspace, [4], new int[model.Shape.MaxTargetLength]);
        Assert.Throws<InvalidOperationException>(() => model.Backward(workspace, gradients, 1f));
        Assert.All(gradients, g => Assert.Equal(0f, g));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_rejected_forward_pass_leaves_the_previous_one_usable_for_backward(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 3);
        var workspace = model.CreateWorkspace();
        int[] source = [4, 5, 6], target = [7, 8];
        var loss = model.Forward(workspace, source, target);
        var expected = new float[model.Layout.ParameterCount];
        model.Backward(workspace, expected, 1f);

        model.Forward(workspace, source, target);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(workspace, [4, 5, 6], [7, model.Shape.TargetVocabularySize]));
        Assert.Throws<ArgumentException>(() => model.Forward(workspace, Enumerable.Repeat(4, model.Shape.MaxSourceLength + 1).ToArray(), [7]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.DecodeGreedy(workspace, [-3], new int[model.Shape.MaxTargetLength]));
        var gradients = new float[model.Layout.ParameterCount];
        model.Backward(workspace, gradients, 1f);
        Assert.Equal(expected, gradients);
        Assert.Equal(loss, model.Forward(workspace, source, target));
    }
}
