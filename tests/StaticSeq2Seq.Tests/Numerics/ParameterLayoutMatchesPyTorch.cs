using StaticSeq2Seq.Tests.Reference;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>The layout table names and shapes tensors as PyTorch does, and converts to and from PyTorch order.</summary>
public sealed class ParameterLayoutMatchesPyTorch
{
    public static TheoryData<string> Models => NumericsModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Tensor_names_and_shapes_are_those_of_the_PyTorch_state_dict(string modelName)
    {
        var model = NumericsModels.Create(modelName);
        var expected = ReferenceSeq2Seq.TensorShapes(model.Shape)
            .Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]")
            .Order(StringComparer.Ordinal);
        var actual = model.Layout.Tensors
            .Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]")
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Tensors_are_aligned_disjoint_and_inside_the_buffer(string modelName)
    {
        var model = NumericsModels.Create(modelName);
        Assert.Equal(model.Layout.ParameterCount, model.Parameters.Length);
        var owner = new string?[model.Layout.ParameterCount];
        foreach (var tensor in model.Layout.Tensors)
        {
            Assert.True(tensor.Offset % 16 == 0, $"'{tensor.Name}' starts at float {tensor.Offset}, not a multiple of 16.");
            Assert.InRange(tensor.Offset + tensor.Length, 1, model.Layout.ParameterCount);
            for (var i = tensor.Offset; i < tensor.Offset + tensor.Length; i++)
            {
                Assert.True(owner[i] is null, $"Float {i} belongs to both '{owner[i]}' and '{tensor.Name}'.");
                owner[i] = tensor.Name;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_tensor_round_trips_through_PyTorch_order_without_touching_the_others(string modelName)
    {
        var model = NumericsModels.Create(modelName);
        model.Parameters.Clear();
        foreach (var tensor in model.Layout.Tensors)
        {
            // Each value is unique in the buffer (offset + PyTorch index), so a value written into another tensor shows.
            var values = Enumerable.Range(0, tensor.Length).Select(i => (float)(tensor.Offset + i)).ToArray();
            tensor.CopyFromPyTorchOrder(values, model.Parameters);
        }
        foreach (var tensor in model.Layout.Tensors)
        {
            var back = new float[tensor.Length];
            tensor.CopyToPyTorchOrder(model.Parameters, back);
            for (var i = 0; i < back.Length; i++)
            {
                Assert.True(back[i] == (float)(tensor.Offset + i), $"'{tensor.Name}' PyTorch entry {i} reads back as {back[i]}.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_transposed_tensor_holds_the_PyTorch_matrix_column_by_column(string modelName)
    {
        var model = NumericsModels.Create(modelName);
        foreach (var tensor in model.Layout.Tensors)
        {
            var values = Enumerable.Range(0, tensor.Length).Select(i => (float)i).ToArray();
            tensor.CopyFromPyTorchOrder(values, model.Parameters);
            var stored = model.Parameters.Slice(tensor.Offset, tensor.Length);
            if (!tensor.Transposed)
            {
                Assert.True(stored.SequenceEqual(values), $"'{tensor.Name}' is not transposed but is not stored in PyTorch order.");
                continue;
            }
            Assert.Equal(2, tensor.Shape.Length);
            int rows = tensor.Shape[0], columns = tensor.Shape[1];
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    Assert.Equal(r * columns + c, stored[c * rows + r]);
                }
            }
        }
    }

    [Fact]
    public void An_unknown_tensor_name_is_a_KeyNotFoundException_that_lists_the_names()
    {
        var model = NumericsModels.Create("TinyGru");
        var error = Assert.Throws<KeyNotFoundException>(() => model.Layout["encoder.rnn.weight_ih_l1"]);
        Assert.Contains("encoder.rnn.weight_ih_l0", error.Message, StringComparison.Ordinal);
    }
}
