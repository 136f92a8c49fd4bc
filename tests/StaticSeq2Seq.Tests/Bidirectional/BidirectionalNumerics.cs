using Xunit;
using StaticSeq2Seq.Tests.Models;

namespace StaticSeq2Seq.Tests.Bidirectional;

/// <summary>
/// What the bidirectional encoder adds beyond the reference checks it shares with the attention models
/// (<see cref="Attention.AttentionNumerics"/>, <see cref="Attention.AttentionStepDecoding"/>,
/// <see cref="Attention.AttentionAllocations"/>): PyTorch's tensor names and shapes, and a reverse direction that
/// starts at the last real token whatever the workspace held before.
/// </summary>
public sealed class BidirectionalNumerics
{
    [Fact]
    public void The_encoder_tensors_are_those_of_a_bidirectional_torch_LSTM()
    {
        // Printed by torch 1.13: for k, v in nn.LSTM(5, 7, num_layers=2, bidirectional=True).state_dict().items(): print(k, list(v.shape))
        string[] expected =
        [
            "weight_ih_l0 [28, 5]", "weight_hh_l0 [28, 7]", "bias_ih_l0 [28]", "bias_hh_l0 [28]",
            "weight_ih_l0_reverse [28, 5]", "weight_hh_l0_reverse [28, 7]", "bias_ih_l0_reverse [28]", "bias_hh_l0_reverse [28]",
            "weight_ih_l1 [28, 14]", "weight_hh_l1 [28, 7]", "bias_ih_l1 [28]", "bias_hh_l1 [28]",
            "weight_ih_l1_reverse [28, 14]", "weight_hh_l1_reverse [28, 7]", "bias_ih_l1_reverse [28]", "bias_hh_l1_reverse [28]",
        ];
        var model = BidirectionalModels.Create(nameof(BiLstm2), seed: 1);
        var encoder = model.Layout.Tensors
            .Where(t => t.Name.StartsWith("encoder.rnn.", StringComparison.Ordinal))
            .Select(t => $"{t.Name["encoder.rnn.".Length..]} [{string.Join(", ", t.Shape)}]");
        Assert.Equal(expected, encoder);
        Assert.True(model.Shape.BidirectionalEncoder);
    }

    [Fact]
    public void The_reverse_direction_starts_at_the_last_real_token_whatever_the_workspace_held()
    {
        // The same pair on a fresh workspace and after a longer source: slots past the real length must not leak in.
        var model = BidirectionalModels.Create(nameof(BiGru2LuongGeneral), seed: 5);
        var workspace = model.CreateWorkspace();
        int[] shortSource = [4, 9], longSource = [7, 8, 10, 5, 6, 3], target = [5, 6, 7];
        var fresh = model.Forward(model.CreateWorkspace(), shortSource, target);
        model.Forward(workspace, longSource, target);
        Assert.Equal(fresh, model.Forward(workspace, shortSource, target));
    }
}
