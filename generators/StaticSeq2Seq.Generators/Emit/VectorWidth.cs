namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// A SIMD width the emitted kernels have a path for. The emitted code picks one at run time through the
/// JIT-constant <c>IsHardwareAccelerated</c> checks, widest first, so the build machine's CPU never matters.
/// </summary>
internal sealed record VectorWidth(string Type, int Floats)
{
    public static readonly VectorWidth[] All =
    [
        new("Vector512", 16),
        new("Vector256", 8),
        new("Vector128", 4),
    ];

    public string Of => $"{Type}<float>";
}
