using System;
using StaticSeq2Seq.Generators.Model;
using static StaticSeq2Seq.Generators.Emit.OffsetText;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the dense kernels, forward and backward side by side, for one (In, Out) size. Weights are stored
/// transposed, (In, Out) row-major, so both directions stream contiguous rows:
/// forward keeps blocks of the output in vector registers and broadcasts one input at a time;
/// backward walks the rows once, updating dW and accumulating W^T dy in the same pass.
/// Remainders are settled here, at generation time: each width path is full vectors, then the columns
/// that do not fill one go through a scalar helper shared by every path.
/// </summary>
internal static class LinearKernelEmitter
{
    /// <summary>Accumulators kept in registers per forward block: 8 of 32 (AVX-512) or 16 (AVX2) vector registers.</summary>
    private const int ForwardBlock = 8;

    /// <summary>Independent partial sums in the backward dot product, enough to hide FMA latency.</summary>
    private const int BackwardUnroll = 4;

    public static void EmitForward(CodeWriter w, LinearKernelPlan kernel)
    {
        var formula = kernel.HasBias ? "y = W x + b" : "y = W x (no bias)";
        var biasParameter = kernel.HasBias ? "ReadOnlySpan<float> bias, " : "";
        w.Line($"/// <summary>{formula} for W of shape ({kernel.Out}, {kernel.In}), stored transposed as ({kernel.In}, {kernel.Out}).</summary>");
        using (w.Block($"public static void {kernel.ForwardName}(ReadOnlySpan<float> weight, {biasParameter}ReadOnlySpan<float> x, Span<float> y)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            w.Line("ref float w = ref MemoryMarshal.GetReference(weight.Slice(0, In * Out));");
            if (kernel.HasBias)
            {
                w.Line("ref float b = ref MemoryMarshal.GetReference(bias.Slice(0, Out));");
            }
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x.Slice(0, In));");
            w.Line("ref float ys = ref MemoryMarshal.GetReference(y.Slice(0, Out));");
            foreach (var width in VectorWidth.All)
            {
                var vectors = kernel.Out / width.Floats;
                if (vectors == 0)
                {
                    continue;
                }
                using (w.Block($"if ({width.Type}.IsHardwareAccelerated)"))
                {
                    EmitForwardPath(w, kernel, width, vectors, (count, offset) => EmitForwardBlock(w, kernel, width, count, offset),
                        $"{ForwardColumns(kernel)}(ref w, {BiasArgument(kernel)}ref xs, ref ys, ");
                    w.Line("return;");
                }
            }
            w.Line("// No SIMD: one output at a time, with the same fused multiply-adds in the same order.");
            w.Line($"{ForwardColumns(kernel)}(ref w, {BiasArgument(kernel)}ref xs, ref ys, 0);");
        }
        w.Line();
        w.Line($"/// <summary>Outputs <paramref name=\"start\"/>..{kernel.Out - 1} of <see cref=\"{kernel.ForwardName}\"/>, one at a time.</summary>");
        using (w.Block($"private static void {ForwardColumns(kernel)}(ref float w, {(kernel.HasBias ? "ref float b, " : "")}ref float xs, ref float ys, nuint start)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            using (w.Block("for (nuint o = start; o < Out; o++)"))
            {
                w.Line(kernel.HasBias ? "float sum = Unsafe.Add(ref b, o);" : "float sum = 0f;");
                using (w.Block("for (nuint j = 0; j < In; j++)"))
                {
                    w.Line("sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref w, j * Out + o), Unsafe.Add(ref xs, j), sum);");
                }
                w.Line("Unsafe.Add(ref ys, o) = sum;");
            }
        }
    }

    /// <summary>
    /// One width's forward path over the column blocks: whole blocks of <see cref="ForwardBlock"/> vectors, then the
    /// vectors that do not fill one, each written by <paramref name="block"/> (vectors, first output), then the scalar
    /// columns through <paramref name="columnsCall"/>, completed with the first column. The int8 kernel shares it.
    /// </summary>
    public static void EmitForwardPath(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int vectors, Action<int, string> block, string columnsCall)
    {
        var fullBlocks = vectors / ForwardBlock;
        var rest = vectors % ForwardBlock;
        var blockFloats = ForwardBlock * width.Floats;
        w.Line($"// {Plural(vectors, "vector")} of {width.Floats} per row: {Describe(fullBlocks, rest)}.");
        if (fullBlocks == 1)
        {
            w.Line($"// Outputs 0..{blockFloats - 1}.");
            using (w.Block(""))
            {
                block(ForwardBlock, "0");
            }
        }
        else if (fullBlocks > 1)
        {
            using (w.Block($"for (nuint o = 0; o < {fullBlocks * blockFloats}; o += {blockFloats})"))
            {
                block(ForwardBlock, "o");
            }
        }
        if (rest > 0)
        {
            var start = fullBlocks * blockFloats;
            w.Line($"// Outputs {start}..{start + rest * width.Floats - 1}.");
            using (w.Block(""))
            {
                block(rest, start.ToString());
            }
        }
        var tailStart = vectors * width.Floats;
        if (tailStart < kernel.Out)
        {
            w.Line($"{columnsCall}{tailStart});");
        }
    }

    private static void EmitForwardBlock(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int count, string offset)
    {
        for (var k = 0; k < count; k++)
        {
            w.Line(kernel.HasBias
                ? $"{width.Of} acc{k} = {width.Type}.LoadUnsafe(ref b, {Plus(offset, k * width.Floats)});"
                : $"{width.Of} acc{k} = {width.Of}.Zero;");
        }
        using (w.Block("for (nuint j = 0; j < In; j++)"))
        {
            w.Line($"{width.Of} xj = {width.Type}.Create(Unsafe.Add(ref xs, j));");
            w.Line($"ref float row = ref Unsafe.Add(ref w, {Plus("j * Out", offset)});");
            for (var k = 0; k < count; k++)
            {
                w.Line($"acc{k} = {width.Type}.FusedMultiplyAdd({width.Type}.LoadUnsafe(ref row, {k * width.Floats}), xj, acc{k});");
            }
        }
        for (var k = 0; k < count; k++)
        {
            w.Line($"acc{k}.StoreUnsafe(ref ys, {Plus(offset, k * width.Floats)});");
        }
    }

    public static void EmitBackward(CodeWriter w, LinearKernelPlan kernel)
    {
        var biasGradient = kernel.HasBias ? "db += dy, " : "";
        w.Line($"/// <summary>Backward of <see cref=\"{kernel.ForwardName}\"/>: dW += x dy^T, {biasGradient}dx += W^T dy (gradients accumulate).</summary>");
        using (w.Block($"public static void {kernel.BackwardName}(ReadOnlySpan<float> weight, Span<float> dWeight, {(kernel.HasBias ? "Span<float> dBias, " : "")}ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            w.Line("ref float w = ref MemoryMarshal.GetReference(weight.Slice(0, In * Out));");
            w.Line("ref float dw = ref MemoryMarshal.GetReference(dWeight.Slice(0, In * Out));");
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x.Slice(0, In));");
            w.Line("ref float dys = ref MemoryMarshal.GetReference(dy.Slice(0, Out));");
            w.Line("ref float dxs = ref MemoryMarshal.GetReference(dx.Slice(0, In));");
            if (kernel.HasBias)
            {
                w.Line("TensorPrimitives.Add(dBias.Slice(0, Out), dy.Slice(0, Out), dBias.Slice(0, Out));");
            }
            foreach (var width in VectorWidth.All)
            {
                var vectors = kernel.Out / width.Floats;
                if (vectors == 0)
                {
                    continue;
                }
                using (w.Block($"if ({width.Type}.IsHardwareAccelerated)"))
                {
                    EmitBackwardPath(w, kernel, width, vectors);
                    w.Line("return;");
                }
            }
            w.Line("// No SIMD.");
            using (w.Block("for (nuint j = 0; j < In; j++)"))
            {
                w.Line($"Unsafe.Add(ref dxs, j) += {BackwardColumns(kernel)}(ref Unsafe.Add(ref w, j * Out), ref Unsafe.Add(ref dw, j * Out), ref dys, Unsafe.Add(ref xs, j), 0);");
            }
        }
        w.Line();
        w.Line($"/// <summary>Columns <paramref name=\"start\"/>..{kernel.Out - 1} of one row of <see cref=\"{kernel.BackwardName}\"/>: updates dW's row and returns its part of (W^T dy)_j.</summary>");
        using (w.Block($"private static float {BackwardColumns(kernel)}(ref float row, ref float dRow, ref float dys, float xj, nuint start)"))
        {
            w.Line($"const int Out = {kernel.Out};");
            w.Line("float dot = 0f;");
            using (w.Block("for (nuint o = start; o < Out; o++)"))
            {
                w.Line("float dyo = Unsafe.Add(ref dys, o);");
                w.Line("Unsafe.Add(ref dRow, o) = MathF.FusedMultiplyAdd(dyo, xj, Unsafe.Add(ref dRow, o));");
                w.Line("dot = MathF.FusedMultiplyAdd(Unsafe.Add(ref row, o), dyo, dot);");
            }
            w.Line("return dot;");
        }
    }

    private static void EmitBackwardPath(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int vectors)
    {
        var unroll = Math.Min(BackwardUnroll, vectors);
        var groupFloats = unroll * width.Floats;
        var groups = vectors / unroll;
        var groupEnd = groups * groupFloats;
        var rest = vectors % unroll;
        using (w.Block("for (nuint j = 0; j < In; j++)"))
        {
            w.Line($"{width.Of} xj = {width.Type}.Create(Unsafe.Add(ref xs, j));");
            w.Line("ref float row = ref Unsafe.Add(ref w, j * Out);");
            w.Line("ref float dRow = ref Unsafe.Add(ref dw, j * Out);");
            for (var k = 0; k < unroll; k++)
            {
                w.Line($"{width.Of} dot{k} = {width.Of}.Zero;");
            }
            w.Line($"// {Plural(vectors, "vector")} of {width.Floats} per row, {unroll} at a time{(rest > 0 ? $", then {rest}" : "")}.");
            if (groups == 1)
            {
                for (var k = 0; k < unroll; k++)
                {
                    EmitBackwardVector(w, width, k, $"dy{k}", (k * width.Floats).ToString());
                }
            }
            else
            {
                using (w.Block($"for (nuint o = 0; o < {groupEnd}; o += {groupFloats})"))
                {
                    for (var k = 0; k < unroll; k++)
                    {
                        EmitBackwardVector(w, width, k, $"dy{k}", Plus("o", k * width.Floats));
                    }
                }
            }
            for (var k = 0; k < rest; k++)
            {
                EmitBackwardVector(w, width, k, $"dyRest{k}", (groupEnd + k * width.Floats).ToString());
            }
            var sum = $"{width.Type}.Sum({SumTree(unroll)})";
            var tailStart = vectors * width.Floats;
            if (tailStart < kernel.Out)
            {
                w.Line($"Unsafe.Add(ref dxs, j) += {sum} + {BackwardColumns(kernel)}(ref row, ref dRow, ref dys, Unsafe.Add(ref xs, j), {tailStart});");
            }
            else
            {
                w.Line($"Unsafe.Add(ref dxs, j) += {sum};");
            }
        }
    }

    private static void EmitBackwardVector(CodeWriter w, VectorWidth width, int k, string dy, string offset)
    {
        w.Line($"{width.Of} {dy} = {width.Type}.LoadUnsafe(ref dys, {offset});");
        w.Line($"{width.Type}.FusedMultiplyAdd({dy}, xj, {width.Type}.LoadUnsafe(ref dRow, {offset})).StoreUnsafe(ref dRow, {offset});");
        w.Line($"dot{k} = {width.Type}.FusedMultiplyAdd({width.Type}.LoadUnsafe(ref row, {offset}), {dy}, dot{k});");
    }

    private static string BiasArgument(LinearKernelPlan kernel) => kernel.HasBias ? "ref b, " : "";

    private static string ForwardColumns(LinearKernelPlan kernel) => $"{kernel.ForwardName}Columns";

    private static string BackwardColumns(LinearKernelPlan kernel) => $"{kernel.BackwardName}Columns";

    private static string SumTree(int count) => count switch
    {
        1 => "dot0",
        2 => "dot0 + dot1",
        3 => "(dot0 + dot1) + dot2",
        _ => "(dot0 + dot1) + (dot2 + dot3)",
    };

    private static string Describe(int fullBlocks, int rest)
    {
        var blocks = fullBlocks == 0 ? "" : $"{Plural(fullBlocks, "block")} of {ForwardBlock} accumulators";
        var tail = rest == 0 ? "" : $"a block of {rest}";
        return blocks.Length > 0 && tail.Length > 0 ? $"{blocks}, then {tail}" : blocks + tail;
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
