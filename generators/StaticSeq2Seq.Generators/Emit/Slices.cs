namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// The emitted code's spellings of its buffers: <c>p</c> the parameters, <c>g</c> the gradients (same layout),
/// <c>a</c> the workspace's activations. Every offset and length is a named constant.
/// </summary>
internal static class Slices
{
    public static string Parameter(string tensor) => $"p.Slice({tensor}Offset, {tensor}Length)";

    public static string Gradient(string tensor) => $"g.Slice({tensor}Offset, {tensor}Length)";

    /// <summary>Row <paramref name="index"/> of an (rows, <paramref name="width"/>) activation buffer.</summary>
    public static string Activation(string buffer, string index, string width) => $"a.Slice({buffer}Offset + {index} * {width}, {width})";

    public static string Scratch(string buffer, string width) => $"a.Slice({buffer}Offset, {width})";

    /// <summary>The embedding row of <paramref name="token"/> in the parameter (<c>p</c>) or gradient (<c>g</c>) buffer.</summary>
    public static string EmbeddingRow(string buffer, string table, string token) => $"{buffer}.Slice({table}Offset + {token} * EmbeddingSize, EmbeddingSize)";
}
