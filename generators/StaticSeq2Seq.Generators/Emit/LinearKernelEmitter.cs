using System;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the dense kernels, forward and backward side by side, for one (In, Out) size. Weights are stored
/// transposed, (In, Out) row-major, so both directions stream contiguous rows:
/// forward keeps blocks of the output in vector registers and broadcasts one input at a time;
/// backward walks the rows once, updating dW and accumulating W^T dy in the same pass.
/// Remainders are settled here, at generation time: each width path is full vectors then a scalar tail.
/// </summary>
internal static class LinearKernelEmitter
{
    /// <summary>Accumulators kept in registers per forward block: 8 of 32 (AVX-512) or 16 (AVX2) vector registers.</summary>
    private const int ForwardBlock = 8;

    /// <summary>Independent partial sums in the backward dot product, enough to hide FMA latency.</summary>
    private const int BackwardUnroll = 4;

    public static void EmitForward(CodeWriter w, LinearKernelPlan kernel)
    {
        w.Line($"/// <summary>y = W x + b for W of shape ({kernel.Out}, {kernel.In}), stored transposed as ({kernel.In}, {kernel.Out}).</summary>");
        using (w.Block($"public static void {kernel.ForwardName}(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            w.Line("ref float w = ref MemoryMarshal.GetReference(weight.Slice(0, In * Out));");
            w.Line("ref float b = ref MemoryMarshal.GetReference(bias.Slice(0, Out));");
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
                    EmitForwardPath(w, width, vectors, kernel.Out);
                    w.Line("return;");
                }
            }
            w.Line("// No SIMD: one output at a time, with the same fused multiply-adds in the same order.");
            EmitForwardScalarColumns(w, "0");
        }
    }

    private static void EmitForwardPath(CodeWriter w, VectorWidth width, int vectors, int outSize)
    {
        var fullBlocks = vectors / ForwardBlock;
        var rest = vectors % ForwardBlock;
        var blockFloats = ForwardBlock * width.Floats;
        w.Line($"// {vectors} vectors of {width.Floats} per row: {Describe(fullBlocks, rest)}.");
        if (fullBlocks > 0)
        {
            using (w.Block($"for (nuint o = 0; o < {fullBlocks * blockFloats}; o += {blockFloats})"))
            {
                EmitForwardBlock(w, width, ForwardBlock, "o");
            }
        }
        if (rest > 0)
        {
            using (w.Block(""))
            {
                w.Line($"const nuint o = {fullBlocks * blockFloats};");
                EmitForwardBlock(w, width, rest, "o");
            }
        }
        var tailStart = vectors * width.Floats;
        if (tailStart < outSize)
        {
            w.Line($"// The last {outSize - tailStart} outputs do not fill a vector.");
            EmitForwardScalarColumns(w, tailStart.ToString());
        }
    }

    private static void EmitForwardBlock(CodeWriter w, VectorWidth width, int count, string offset)
    {
        for (var k = 0; k < count; k++)
        {
            w.Line($"{width.Of} acc{k} = {width.Type}.LoadUnsafe(ref b, {Plus(offset, k * width.Floats)});");
        }
        using (w.Block("for (nuint j = 0; j < In; j++)"))
        {
            w.Line($"{width.Of} xj = {width.Type}.Create(Unsafe.Add(ref xs, j));");
            w.Line($"ref float row = ref Unsafe.Add(ref w, j * Out + {offset});");
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

    private static void EmitForwardScalarColumns(CodeWriter w, string start)
    {
        using (w.Block($"for (nuint o = {start}; o < Out; o++)"))
        {
            w.Line("float sum = Unsafe.Add(ref b, o);");
            using (w.Block("for (nuint j = 0; j < In; j++)"))
            {
                w.Line("sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref w, j * Out + o), Unsafe.Add(ref xs, j), sum);");
            }
            w.Line("Unsafe.Add(ref ys, o) = sum;");
        }
    }

    public static void EmitBackward(CodeWriter w, LinearKernelPlan kernel)
    {
        w.Line($"/// <summary>Backward of <see cref=\"{kernel.ForwardName}\"/>: dW += x dy^T, db += dy, dx += W^T dy (gradients accumulate).</summary>");
        using (w.Block($"public static void {kernel.BackwardName}(ReadOnlySpan<float> weight, Span<float> dWeight, Span<float> dBias, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            w.Line("ref float w = ref MemoryMarshal.GetReference(weight.Slice(0, In * Out));");
            w.Line("ref float dw = ref MemoryMarshal.GetReference(dWeight.Slice(0, In * Out));");
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x.Slice(0, In));");
            w.Line("ref float dys = ref MemoryMarshal.GetReference(dy.Slice(0, Out));");
            w.Line("ref float dxs = ref MemoryMarshal.GetReference(dx.Slice(0, In));");
            w.Line("TensorPrimitives.Add(dBias.Slice(0, Out), dy.Slice(0, Out), dBias.Slice(0, Out));");
            foreach (var width in VectorWidth.All)
            {
                var vectors = kernel.Out / width.Floats;
                if (vectors == 0)
                {
                    continue;
                }
                using (w.Block($"if ({width.Type}.IsHardwareAccelerated)"))
                {
                    EmitBackwardPath(w, width, vectors, kernel.Out);
                    w.Line("return;");
                }
            }
            w.Line("// No SIMD.");
            using (w.Block("for (nuint j = 0; j < In; j++)"))
            {
                w.Line("float xj = Unsafe.Add(ref xs, j);");
                w.Line("float dot = 0f;");
                EmitBackwardScalarColumns(w, "0");
                w.Line("Unsafe.Add(ref dxs, j) += dot;");
            }
        }
    }

    private static void EmitBackwardPath(CodeWriter w, VectorWidth width, int vectors, int outSize)
    {
        var unroll = Math.Min(BackwardUnroll, vectors);
        var groupFloats = unroll * width.Floats;
        var groupEnd = vectors / unroll * groupFloats;
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
            w.Line($"// {vectors} vectors of {width.Floats} per row, {unroll} at a time{(rest > 0 ? $", then {rest}" : "")}.");
            using (w.Block($"for (nuint o = 0; o < {groupEnd}; o += {groupFloats})"))
            {
                for (var k = 0; k < unroll; k++)
                {
                    EmitBackwardVector(w, width, k, $"dy{k}", Plus("o", k * width.Floats));
                }
            }
            for (var k = 0; k < rest; k++)
            {
                EmitBackwardVector(w, width, k, $"dyRest{k}", (groupEnd + k * width.Floats).ToString());
            }
            w.Line($"float dot = {width.Type}.Sum({SumTree(unroll)});");
            var tailStart = vectors * width.Floats;
            if (tailStart < outSize)
            {
                w.Line("float xScalar = Unsafe.Add(ref xs, j);");
                EmitBackwardScalarColumns(w, tailStart.ToString(), "xScalar");
            }
            w.Line("Unsafe.Add(ref dxs, j) += dot;");
        }
    }

    private static void EmitBackwardVector(CodeWriter w, VectorWidth width, int k, string dy, string offset)
    {
        w.Line($"{width.Of} {dy} = {width.Type}.LoadUnsafe(ref dys, {offset});");
        w.Line($"{width.Type}.FusedMultiplyAdd({dy}, xj, {width.Type}.LoadUnsafe(ref dRow, {offset})).StoreUnsafe(ref dRow, {offset});");
        w.Line($"dot{k} = {width.Type}.FusedMultiplyAdd({width.Type}.LoadUnsafe(ref row, {offset}), {dy}, dot{k});");
    }

    private static void EmitBackwardScalarColumns(CodeWriter w, string start, string xName = "xj")
    {
        using (w.Block($"for (nuint o = {start}; o < Out; o++)"))
        {
            w.Line("float dyo = Unsafe.Add(ref dys, o);");
            w.Line($"Unsafe.Add(ref dw, j * Out + o) = MathF.FusedMultiplyAdd(dyo, {xName}, Unsafe.Add(ref dw, j * Out + o));");
            w.Line("dot = MathF.FusedMultiplyAdd(Unsafe.Add(ref w, j * Out + o), dyo, dot);");
        }
    }

    private static string SumTree(int count) => count switch
    {
        1 => "dot0",
        2 => "dot0 + dot1",
        3 => "(dot0 + dot1) + dot2",
        _ => "(dot0 + dot1) + (dot2 + dot3)",
    };

    private static string Describe(int fullBlocks, int rest)
    {
        var blocks = fullBlocks == 0 ? "" : $"{fullBlocks} block{(fullBlocks == 1 ? "" : "s")} of {ForwardBlock} accumulators";
        var tail = rest == 0 ? "" : $"a block of {rest}";
        return blocks.Length > 0 && tail.Length > 0 ? $"{blocks}, then {tail}" : blocks + tail;
    }

    private static string Plus(string offset, int add) => add == 0 ? offset : $"{offset} + {add}";
}
