using StaticSeq2Seq.Generators.Model;
using static StaticSeq2Seq.Generators.Emit.OffsetText;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the dense forward kernel with int8 weights and per-output float scales that decoding calls for one
/// (In, Out) size (<c>DecodeWeightFormat.Int8</c>): y[o] = scale[o] · Σ_j q[j, o] x[j] + b[o]. It keeps the float kernel's
/// layout and order: blocks of up to 8 vectors of outputs stay in registers while the inputs are broadcast one at a
/// time, each vector of int8 weights widened exactly to floats (<c>StaticSeq2Seq.Numerics.Int8Widening</c>) before the
/// multiply-add. Since a column block holds whole outputs, each output's scale and bias apply once, after its sum, in
/// one multiply-add per vector; the scalar columns do the same per output.
/// </summary>
internal static class Int8KernelEmitter
{
    public static void EmitForward(CodeWriter w, LinearKernelPlan kernel)
    {
        var formula = kernel.HasBias ? "y = scale ⊙ (Q x) + b" : "y = scale ⊙ (Q x) (no bias)";
        var biasParameter = kernel.HasBias ? "ReadOnlySpan<float> bias, " : "";
        var columns = $"{kernel.Int8ForwardName}Columns";
        var biasArgument = kernel.HasBias ? "ref b, " : "";
        w.Line($"/// <summary>{formula} for Q of shape ({kernel.Out}, {kernel.In}) in int8, stored transposed as ({kernel.In}, {kernel.Out}), with one scale per output; sums in float.</summary>");
        using (w.Block($"public static void {kernel.Int8ForwardName}(ReadOnlySpan<sbyte> weight, ReadOnlySpan<float> scale, {biasParameter}ReadOnlySpan<float> x, Span<float> y)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            w.Line("ref sbyte w = ref MemoryMarshal.GetReference(weight.Slice(0, In * Out));");
            w.Line("ref float s = ref MemoryMarshal.GetReference(scale.Slice(0, Out));");
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
                    LinearKernelEmitter.EmitForwardPath(w, kernel, width, vectors, (count, offset) => EmitBlock(w, kernel, width, count, offset),
                        $"{columns}(ref w, ref s, {biasArgument}ref xs, ref ys, ");
                    w.Line("return;");
                }
            }
            w.Line("// No SIMD: one output at a time, with the same fused multiply-adds in the same order.");
            w.Line($"{columns}(ref w, ref s, {biasArgument}ref xs, ref ys, 0);");
        }
        w.Line();
        w.Line($"/// <summary>Outputs <paramref name=\"start\"/>..{kernel.Out - 1} of <see cref=\"{kernel.Int8ForwardName}\"/>, one at a time.</summary>");
        using (w.Block($"private static void {columns}(ref sbyte w, ref float s, {(kernel.HasBias ? "ref float b, " : "")}ref float xs, ref float ys, nuint start)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            using (w.Block("for (nuint o = start; o < Out; o++)"))
            {
                w.Line("float sum = 0f;");
                using (w.Block("for (nuint j = 0; j < In; j++)"))
                {
                    w.Line("sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref w, j * Out + o), Unsafe.Add(ref xs, j), sum);");
                }
                w.Line(kernel.HasBias
                    ? "Unsafe.Add(ref ys, o) = MathF.FusedMultiplyAdd(sum, Unsafe.Add(ref s, o), Unsafe.Add(ref b, o));"
                    : "Unsafe.Add(ref ys, o) = sum * Unsafe.Add(ref s, o);");
            }
        }
    }

    private static void EmitBlock(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int count, string offset)
    {
        for (var k = 0; k < count; k++)
        {
            w.Line($"{width.Of} acc{k} = {width.Of}.Zero;");
        }
        using (w.Block("for (nuint j = 0; j < In; j++)"))
        {
            w.Line($"{width.Of} xj = {width.Type}.Create(Unsafe.Add(ref xs, j));");
            w.Line($"ref sbyte row = ref Unsafe.Add(ref w, {Plus("j * Out", offset)});");
            for (var k = 0; k < count; k++)
            {
                var weights = k == 0 ? "ref row" : $"ref Unsafe.Add(ref row, {k * width.Floats})";
                w.Line($"acc{k} = {width.Type}.FusedMultiplyAdd(global::StaticSeq2Seq.Numerics.Int8Widening.To{width.Type}({weights}), xj, acc{k});");
            }
        }
        w.Line("// Each output's scale, then its bias, once per output.");
        for (var k = 0; k < count; k++)
        {
            var at = Plus(offset, k * width.Floats);
            w.Line(kernel.HasBias
                ? $"{width.Type}.FusedMultiplyAdd(acc{k}, {width.Type}.LoadUnsafe(ref s, {at}), {width.Type}.LoadUnsafe(ref b, {at})).StoreUnsafe(ref ys, {at});"
                : $"(acc{k} * {width.Type}.LoadUnsafe(ref s, {at})).StoreUnsafe(ref ys, {at});");
        }
    }
}
