namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Offsets in emitted kernels as the reader would write them: constants folded at generation time (<c>32</c>, not
/// <c>16 + 16</c>), and no <c>+ 0</c>.
/// </summary>
internal static class OffsetText
{
    public static string Plus(string offset, int add) =>
        add == 0 ? offset : int.TryParse(offset, out var constant) ? (constant + add).ToString() : $"{offset} + {add}";

    public static string Plus(string left, string right) =>
        right == "0" ? left : int.TryParse(left, out var l) && int.TryParse(right, out var r) ? (l + r).ToString() : $"{left} + {right}";
}
