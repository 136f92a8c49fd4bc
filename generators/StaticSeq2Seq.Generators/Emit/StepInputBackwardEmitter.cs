using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the input gradient of one dense layer at one time step, dx += W^T dy, for the recurrent layers' backward, which
/// needs dL/dx and dL/dh of each step before the step below can run. With W stored (In, Out), dx_j is the dot product
/// of W's row j with dy: the kernel takes <see cref="RowTile"/> rows at a time, so that many independent chains of
/// fused multiply-adds hide the FMA latency while each vector of dy, loaded once, serves all of them, and their partial
/// sums reduce together (<see cref="EmitSumEach"/>) into one vector added to dx, instead of one horizontal sum per row.
/// Generation-time remainders: rows that do not fill a tile reduce one by one, columns that do not fill a vector go
/// through a scalar helper.
/// The caller alternates the order of the tiles from one step to the next (descending on odd steps): a recurrent
/// matrix about the size of L1 (64 x 192 floats is 48 KB) read in the same order every step evicts each row just before
/// it is read again, while read back to front the rows the previous step read last are still in L1. Each dx_j is the
/// same dot product in either order, so the bits do not depend on it.
/// </summary>
internal static class StepInputBackwardEmitter
{
    /// <summary>Weight rows per tile: eight accumulators, a vector of dy and a loaded weight vector fit AVX2's 16 registers.</summary>
    public const int RowTile = 8;

    /// <summary>The helper that sums each of eight vectors into one lane of a vector.</summary>
    private const string SumEach = "SumEach";

    /// <summary>
    /// The call that reduces <see cref="RowTile"/> dot products (<paramref name="dot"/> of each row) into one Vector256,
    /// lane r the sum of row r's; a Vector512 sum is folded to eight lanes first.
    /// </summary>
    public static string SumEachCall(VectorWidth width, System.Func<int, string> dot)
    {
        var folded = new string[RowTile];
        for (var r = 0; r < RowTile; r++)
        {
            folded[r] = width.Floats == 16 ? $"{dot(r)}.GetLower() + {dot(r)}.GetUpper()" : dot(r);
        }
        return $"{SumEach}({string.Join(", ", folded)})";
    }

    public static string Name(LinearKernelPlan kernel) => kernel.ForwardName + "StepInputBackward";

    /// <summary>The helper every kernel's tiles reduce through, emitted once per kernel class.</summary>
    public static void EmitSumEach(CodeWriter w)
    {
        w.Line("/// <summary>The sum of each of eight vectors, in lanes 0..7 of one vector.</summary>");
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        using (w.Block($"private static Vector256<float> {SumEach}(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3, Vector256<float> s4, Vector256<float> s5, Vector256<float> s6, Vector256<float> s7)"))
        {
            using (w.Block("if (Avx.IsSupported)"))
            {
                w.Line("// Each horizontal add sums neighbouring lanes within each 128-bit half; after two rounds, lanes 0..3 hold the");
                w.Line("// low halves' sums of four vectors and lanes 4..7 their high halves' sums, so adding the halves finishes all four.");
                w.Line("Vector256<float> first = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));");
                w.Line("Vector256<float> second = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));");
                w.Line("return Vector256.Create(first.GetLower(), second.GetLower()) + Vector256.Create(first.GetUpper(), second.GetUpper());");
            }
            w.Line("return Vector256.Create(Vector256.Sum(s0), Vector256.Sum(s1), Vector256.Sum(s2), Vector256.Sum(s3), Vector256.Sum(s4), Vector256.Sum(s5), Vector256.Sum(s6), Vector256.Sum(s7));");
        }
    }

    public static void Emit(CodeWriter w, LinearKernelPlan kernel)
    {
        w.Line($"/// <summary>Input gradient of <see cref=\"{kernel.ForwardName}\"/> at one step: dx += W^T dy, each dx_j the dot product of W's row j with dy; <paramref name=\"descending\"/> takes the tiles of W's rows last to first.</summary>");
        using (w.Block($"public static void {Name(kernel)}(ReadOnlySpan<float> weight, ReadOnlySpan<float> dy, Span<float> dx, bool descending)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            w.Line("ref float w = ref MemoryMarshal.GetReference(weight.Slice(0, In * Out));");
            w.Line("ref float dys = ref MemoryMarshal.GetReference(dy.Slice(0, Out));");
            w.Line("ref float dxs = ref MemoryMarshal.GetReference(dx.Slice(0, In));");
            foreach (var width in VectorWidth.All)
            {
                var vectors = kernel.Out / width.Floats;
                if (vectors == 0)
                {
                    continue;
                }
                using (w.Block($"if ({width.Type}.IsHardwareAccelerated)"))
                {
                    EmitPath(w, kernel, width, vectors * width.Floats);
                    w.Line("return;");
                }
            }
            w.Line("// No SIMD.");
            using (w.Block("for (nuint row = 0; row < In; row++)"))
            {
                w.Line("nuint j = descending ? In - 1 - row : row;");
                w.Line($"Unsafe.Add(ref dxs, j) += {Columns(kernel)}(ref Unsafe.Add(ref w, j * Out), ref dys, 0);");
            }
        }
        w.Line();
        w.Line($"/// <summary>Columns <paramref name=\"start\"/>..{kernel.Out - 1} of one dot product of <see cref=\"{Name(kernel)}\"/>: Σ_o W[j, o] dy[o].</summary>");
        using (w.Block($"private static float {Columns(kernel)}(ref float row, ref float dys, nuint start)"))
        {
            w.Line($"const int Out = {kernel.Out};");
            w.Line("float dot = 0f;");
            using (w.Block("for (nuint o = start; o < Out; o++)"))
            {
                w.Line("dot = MathF.FusedMultiplyAdd(Unsafe.Add(ref row, o), Unsafe.Add(ref dys, o), dot);");
            }
            w.Line("return dot;");
        }
    }

    private static void EmitPath(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int tailStart)
    {
        var tiles = kernel.In / RowTile;
        // The eight sums reduce together into one Vector256: from Vector512 each folds its halves first; Vector128
        // (no AVX2) has no such vector, so there each row reduces alone.
        var reduceTogether = width.Floats >= 8;
        if (tiles > 0)
        {
            using (w.Block($"for (nuint tile = 0; tile < {tiles * RowTile}; tile += {RowTile})"))
            {
                w.Line($"nuint j = descending ? {(tiles - 1) * RowTile} - tile : tile;");
                EmitTile(w, kernel, width, RowTile, "j", tailStart, reduceTogether);
            }
        }
        var rest = kernel.In % RowTile;
        if (rest > 0)
        {
            var start = tiles * RowTile;
            w.Line(rest == 1 ? $"// Weight row {start}." : $"// Weight rows {start}..{kernel.In - 1}.");
            using (w.Block(""))
            {
                EmitTile(w, kernel, width, rest, start.ToString(), tailStart, reduceTogether: false);
            }
        }
    }

    /// <summary>W's rows j..j+rows-1 against dy: one accumulator per row over every full vector of columns.</summary>
    private static void EmitTile(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int rows, string j, int tailStart, bool reduceTogether)
    {
        w.Line($"ref float row0 = ref Unsafe.Add(ref w, {(j == "0" ? "0" : $"{j} * Out")});");
        for (var r = 1; r < rows; r++)
        {
            w.Line($"ref float row{r} = ref Unsafe.Add(ref row0, {(r == 1 ? "Out" : $"{r} * Out")});");
        }
        w.Line($"ref float dxRow = ref Unsafe.Add(ref dxs, {j});");
        for (var r = 0; r < rows; r++)
        {
            w.Line($"{width.Of} dot{r} = {width.Of}.Zero;");
        }
        using (w.Block($"for (nuint o = 0; o < {tailStart}; o += {width.Floats})"))
        {
            w.Line($"{width.Of} d = {width.Type}.LoadUnsafe(ref dys, o);");
            for (var r = 0; r < rows; r++)
            {
                w.Line($"dot{r} = {width.Type}.FusedMultiplyAdd({width.Type}.LoadUnsafe(ref row{r}, o), d, dot{r});");
            }
        }
        string Tail(int r) => tailStart < kernel.Out ? $" + {Columns(kernel)}(ref row{r}, ref dys, {tailStart})" : "";
        if (reduceTogether)
        {
            if (width.Floats == 16)
            {
                w.Line("// Fold each sum to eight lanes, then reduce the eight together.");
            }
            w.Line($"Vector256<float> sums = {SumEachCall(width, r => $"dot{r}")};");
            w.Line("(Vector256.LoadUnsafe(ref dxRow) + sums).StoreUnsafe(ref dxRow);");
            if (tailStart < kernel.Out)
            {
                for (var r = 0; r < rows; r++)
                {
                    w.Line($"Unsafe.Add(ref dxRow, {r}) += {Columns(kernel)}(ref row{r}, ref dys, {tailStart});");
                }
            }
            return;
        }
        for (var r = 0; r < rows; r++)
        {
            w.Line($"Unsafe.Add(ref dxRow, {r}) += {width.Type}.Sum(dot{r}){Tail(r)};");
        }
    }

    private static string Columns(LinearKernelPlan kernel) => Name(kernel) + "Columns";
}
