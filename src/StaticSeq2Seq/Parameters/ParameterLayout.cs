using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace StaticSeq2Seq.Parameters;

/// <summary>
/// The table of a model's parameter tensors inside one flat buffer: names, offsets and shapes. Gradients
/// and optimizer moments use the same layout, so one offset finds a tensor in all of them.
/// </summary>
public sealed class ParameterLayout
{
    private readonly Dictionary<string, ParameterTensor> byName;

    /// <summary>Builds a layout from tensors in buffer order.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, or a tensor runs past <paramref name="parameterCount"/>.</exception>
    public ParameterLayout(ImmutableArray<ParameterTensor> tensors, int parameterCount)
    {
        byName = new Dictionary<string, ParameterTensor>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!byName.TryAdd(tensor.Name, tensor))
            {
                throw new ArgumentException($"The layout names tensor '{tensor.Name}' twice.", nameof(tensors));
            }
            if (tensor.Offset < 0 || tensor.Offset + tensor.Length > parameterCount)
            {
                throw new ArgumentException($"Tensor '{tensor.Name}' does not fit in {parameterCount} floats.", nameof(tensors));
            }
        }
        Tensors = tensors;
        ParameterCount = parameterCount;
    }

    /// <summary>The tensors, in buffer order.</summary>
    public ImmutableArray<ParameterTensor> Tensors { get; }

    /// <summary>Length of the flat buffer in floats, alignment padding included.</summary>
    public int ParameterCount { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The layout has no such tensor; the message lists the names it has.</exception>
    public ParameterTensor this[string name] =>
        byName.TryGetValue(name, out var tensor)
            ? tensor
            : throw new KeyNotFoundException($"The model has no parameter tensor '{name}'. Its tensors are: {string.Join(", ", byName.Keys)}.");

    /// <summary>Fills every tensor of <paramref name="buffer"/> as PyTorch initialises its module, from <paramref name="seed"/>.</summary>
    public void Initialize(Span<float> buffer, ulong seed)
    {
        var random = new SeededRandom(seed);
        buffer.Clear();
        foreach (var tensor in Tensors)
        {
            var values = buffer.Slice(tensor.Offset, tensor.Length);
            if (tensor.Init == ParameterInit.Normal)
            {
                random.FillNormal(values);
            }
            else
            {
                random.FillUniform(values, -tensor.InitBound, tensor.InitBound);
            }
        }
    }
}
