using StaticSeq2Seq.Generators.Model;
using static StaticSeq2Seq.Generators.Emit.OffsetText;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the dense forward kernel with bfloat16 weights that decoding calls for one (In, Out) size: the float
/// kernel's layout and order of operations, with each weight widened to float (its 16 bits moved to the top of a
/// float's 32) before the multiply-add, so no path rounds differently from another. .NET exposes no bfloat16
/// dot-product instructions, so every SIMD width loads a vector of weights, widens its lower and upper halves into two
/// vectors of floats and keeps an accumulator for each; a remainder of one vector of outputs or more loads half as many
/// weights and widens them once, and what is left goes through the scalar columns.
/// </summary>
internal static class BFloat16KernelEmitter
{
    /// <summary>Pairs of accumulators per block: 8 registers, as the float kernel keeps.</summary>
    private const int BlockLoads = 4;

    public static void EmitForward(CodeWriter w, LinearKernelPlan kernel)
    {
        var formula = kernel.HasBias ? "y = W x + b" : "y = W x (no bias)";
        var biasParameter = kernel.HasBias ? "ReadOnlySpan<float> bias, " : "";
        var columns = $"{kernel.BFloat16ForwardName}Columns";
        var biasArgument = kernel.HasBias ? "ref b, " : "";
        w.Line($"/// <summary>{formula} for W of shape ({kernel.Out}, {kernel.In}) in bfloat16, stored transposed as ({kernel.In}, {kernel.Out}); sums in float.</summary>");
        using (w.Block($"public static void {kernel.BFloat16ForwardName}(ReadOnlySpan<ushort> weight, {biasParameter}ReadOnlySpan<float> x, Span<float> y)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            w.Line("ref ushort w = ref MemoryMarshal.GetReference(weight.Slice(0, In * Out));");
            if (kernel.HasBias)
            {
                w.Line("ref float b = ref MemoryMarshal.GetReference(bias.Slice(0, Out));");
            }
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x.Slice(0, In));");
            w.Line("ref float ys = ref MemoryMarshal.GetReference(y.Slice(0, Out));");
            foreach (var width in VectorWidth.All)
            {
                var loads = kernel.Out / (2 * width.Floats);
                if (loads == 0)
                {
                    continue;
                }
                using (w.Block($"if ({width.Type}.IsHardwareAccelerated)"))
                {
                    EmitPath(w, kernel, width, loads, columns, biasArgument);
                    w.Line("return;");
                }
            }
            w.Line("// No SIMD: one output at a time, with the same fused multiply-adds in the same order.");
            w.Line($"{columns}(ref w, {biasArgument}ref xs, ref ys, 0);");
        }
        w.Line();
        w.Line($"/// <summary>Outputs <paramref name=\"start\"/>..{kernel.Out - 1} of <see cref=\"{kernel.BFloat16ForwardName}\"/>, one at a time.</summary>");
        using (w.Block($"private static void {columns}(ref ushort w, {(kernel.HasBias ? "ref float b, " : "")}ref float xs, ref float ys, nuint start)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            using (w.Block("for (nuint o = start; o < Out; o++)"))
            {
                w.Line(kernel.HasBias ? "float sum = Unsafe.Add(ref b, o);" : "float sum = 0f;");
                using (w.Block("for (nuint j = 0; j < In; j++)"))
                {
                    w.Line("float weightJo = global::System.BitConverter.UInt32BitsToSingle((uint)Unsafe.Add(ref w, j * Out + o) << 16);");
                    w.Line("sum = MathF.FusedMultiplyAdd(weightJo, Unsafe.Add(ref xs, j), sum);");
                }
                w.Line("Unsafe.Add(ref ys, o) = sum;");
            }
        }
    }

    private static void EmitPath(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int loads, string columns, string biasArgument)
    {
        var fullBlocks = loads / BlockLoads;
        var rest = loads % BlockLoads;
        var blockOutputs = BlockLoads * 2 * width.Floats;
        w.Line($"// {(loads == 1 ? "1 load" : $"{loads} loads")} of {2 * width.Floats} weights per row, each widened into two vectors of {width.Floats} floats.");
        if (fullBlocks == 1)
        {
            using (w.Block(""))
            {
                EmitBlock(w, kernel, width, BlockLoads, "0");
            }
        }
        else if (fullBlocks > 1)
        {
            using (w.Block($"for (nuint o = 0; o < {fullBlocks * blockOutputs}; o += {blockOutputs})"))
            {
                EmitBlock(w, kernel, width, BlockLoads, "o");
            }
        }
        if (rest > 0)
        {
            var start = fullBlocks * blockOutputs;
            w.Line($"// Outputs {start}..{start + rest * 2 * width.Floats - 1}.");
            using (w.Block(""))
            {
                EmitBlock(w, kernel, width, rest, start.ToString());
            }
        }
        var tailStart = loads * 2 * width.Floats;
        if (kernel.Out - tailStart >= width.Floats)
        {
            w.Line($"// Outputs {tailStart}..{tailStart + width.Floats - 1}: half a load, widened into one vector.");
            using (w.Block(""))
            {
                EmitHalfBlock(w, kernel, width, tailStart);
            }
            tailStart += width.Floats;
        }
        if (tailStart < kernel.Out)
        {
            w.Line($"{columns}(ref w, {biasArgument}ref xs, ref ys, {tailStart});");
        }
    }

    /// <summary>One vector of outputs from a load of half the width (<c>Vector256&lt;ushort&gt;</c> on the 512-bit path), widened once.</summary>
    private static void EmitHalfBlock(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int offset)
    {
        var half = $"Vector{width.Floats * 16}";
        w.Line(kernel.HasBias
            ? $"{width.Of} acc0 = {width.Type}.LoadUnsafe(ref b, {offset});"
            : $"{width.Of} acc0 = {width.Of}.Zero;");
        using (w.Block("for (nuint j = 0; j < In; j++)"))
        {
            w.Line($"{width.Of} xj = {width.Type}.Create(Unsafe.Add(ref xs, j));");
            w.Line($"{half}<ushort> w0 = {half}.LoadUnsafe(ref w, {Plus("j * Out", offset.ToString())});");
            w.Line($"acc0 = {width.Type}.FusedMultiplyAdd(({width.Type}.WidenLower(w0.To{width.Type}Unsafe()) << 16).AsSingle(), xj, acc0);");
        }
        w.Line($"acc0.StoreUnsafe(ref ys, {offset});");
    }

    private static void EmitBlock(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int count, string offset)
    {
        for (var k = 0; k < 2 * count; k++)
        {
            w.Line(kernel.HasBias
                ? $"{width.Of} acc{k} = {width.Type}.LoadUnsafe(ref b, {Plus(offset, k * width.Floats)});"
                : $"{width.Of} acc{k} = {width.Of}.Zero;");
        }
        using (w.Block("for (nuint j = 0; j < In; j++)"))
        {
            w.Line($"{width.Of} xj = {width.Type}.Create(Unsafe.Add(ref xs, j));");
            w.Line($"ref ushort row = ref Unsafe.Add(ref w, {Plus("j * Out", offset)});");
            for (var k = 0; k < count; k++)
            {
                w.Line($"{width.Type}<ushort> w{k} = {width.Type}.LoadUnsafe(ref row, {k * 2 * width.Floats});");
                w.Line($"acc{2 * k} = {width.Type}.FusedMultiplyAdd(({width.Type}.WidenLower(w{k}) << 16).AsSingle(), xj, acc{2 * k});");
                w.Line($"acc{2 * k + 1} = {width.Type}.FusedMultiplyAdd(({width.Type}.WidenUpper(w{k}) << 16).AsSingle(), xj, acc{2 * k + 1});");
            }
        }
        for (var k = 0; k < 2 * count; k++)
        {
            w.Line($"acc{k}.StoreUnsafe(ref ys, {Plus(offset, k * width.Floats)});");
        }
    }
}
