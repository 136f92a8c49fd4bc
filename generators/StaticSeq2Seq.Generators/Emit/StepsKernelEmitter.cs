using StaticSeq2Seq.Generators.Model;
using static StaticSeq2Seq.Generators.Emit.OffsetText;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the matrix-matrix forms of one dense layer, for every time step of a sequence at once: x and y hold one row
/// per step, (rows, In) and (rows, Out). Run step by step, a layer streams its whole weight matrix once per step, from
/// L3 once it outgrows L2; here every weight loaded into a register serves a tile of several steps, so the matrix
/// streams once per call and the kernels run near the FMA peak instead of at the memory's pace.
/// Tiles: the forward and the weight gradient keep (rows x vectors) accumulators in registers, reading a block of
/// W's (or dW's) columns once per tile; the input gradient keeps (steps x weight rows) dot products in registers.
/// AVX-512 has 32 vector registers, so its tiles are 4 x 4; the narrower widths (16 registers on AVX2) use 4 x 2
/// (input gradient: 2 steps x 4 rows). Where W's rows are short, the input gradient takes 8 rows at a time instead and
/// reduces each step's 8 dot products together into one vector of dx (see <see cref="EmitReducedInputPath"/>).
/// Generation-time remainders: weight rows and vectors that do not fill a tile get a smaller tile, columns that do not
/// fill a vector a scalar helper shared by every path; the run-time step count's remainder goes one step at a time.
/// </summary>
internal static class StepsKernelEmitter
{
    /// <summary>Steps (rows of x) per tile of the forward pass.</summary>
    private const int StepTile = 4;

    /// <summary>Weight rows (inputs) per tile in the weight and input gradients.</summary>
    private const int InputTile = 4;

    private static int VectorTile(VectorWidth width) => width.Floats == 16 ? 4 : 2;

    /// <summary>Weight rows per tile of the input gradient whose dot products reduce together into one Vector256 of dx.</summary>
    private const int ReducedInputTile = StepInputBackwardEmitter.RowTile;

    /// <summary>
    /// The longest weight rows (outputs) the reduced tiles take: eight rows of at most 512 floats (16 KB) stay in L1 while
    /// the steps pass over them. Longer rows (a large vocabulary's output projection) keep the 4-row tiles, whose rows fit.
    /// </summary>
    private const int ReducedTileMaxOut = 512;

    /// <summary>
    /// Steps per reduced tile: on AVX-512, 2 x 8 accumulators, 8 weight vectors and 2 of dy fit its 32 registers; on AVX2,
    /// one step's 8 accumulators with a weight vector and dy fit its 16.
    /// </summary>
    private static int ReducedStepTile(VectorWidth width) => width.Floats == 16 ? 2 : 1;

    public static string ForwardName(LinearKernelPlan kernel) => kernel.ForwardName + "Steps";

    public static string WeightBackwardName(LinearKernelPlan kernel) => kernel.ForwardName + "StepsWeightBackward";

    public static string InputBackwardName(LinearKernelPlan kernel) => kernel.ForwardName + "StepsInputBackward";

    public static void Emit(CodeWriter w, LinearKernelPlan kernel)
    {
        EmitForward(w, kernel);
        w.Line();
        EmitWeightBackward(w, kernel);
        w.Line();
        EmitInputBackward(w, kernel);
    }

    public static void EmitForward(CodeWriter w, LinearKernelPlan kernel)
    {
        var formula = kernel.HasBias ? "y_t = W x_t + b" : "y_t = W x_t";
        var bias = kernel.HasBias ? "ReadOnlySpan<float> bias, " : "";
        w.Line($"/// <summary>{formula} for each of the <paramref name=\"rows\"/> rows of x (rows, {kernel.In}) into y (rows, {kernel.Out}): the per-step <c>{kernel.ForwardName}</c> for every step at once, the same fused multiply-adds in the same order.</summary>");
        using (w.Block($"public static void {ForwardName(kernel)}(ReadOnlySpan<float> weight, {bias}ReadOnlySpan<float> x, Span<float> y, int rows)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            w.Line("nuint steps = (nuint)rows;");
            w.Line("ref float w = ref MemoryMarshal.GetReference(weight.Slice(0, In * Out));");
            if (kernel.HasBias)
            {
                w.Line("ref float b = ref MemoryMarshal.GetReference(bias.Slice(0, Out));");
            }
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x.Slice(0, rows * In));");
            w.Line("ref float ys = ref MemoryMarshal.GetReference(y.Slice(0, rows * Out));");
            foreach (var width in VectorWidth.All)
            {
                var vectors = kernel.Out / width.Floats;
                if (vectors == 0)
                {
                    continue;
                }
                using (w.Block($"if ({width.Type}.IsHardwareAccelerated)"))
                {
                    var tile = VectorTile(width);
                    w.Line("// Each block of W's columns serves every step before the next block is read, so W streams from memory once.");
                    ForEachColumnBlock(w, width, vectors, tile, (count, offset) =>
                        ForEachStepTile(w, StepTile, rowsInTile => EmitForwardTile(w, kernel, width, rowsInTile, count, offset)));
                    var tailStart = vectors * width.Floats;
                    if (tailStart < kernel.Out)
                    {
                        w.Line($"{ForwardColumns(kernel)}(ref w, {(kernel.HasBias ? "ref b, " : "")}ref xs, ref ys, steps, {tailStart});");
                    }
                    w.Line("return;");
                }
            }
            w.Line("// No SIMD: one output at a time.");
            w.Line($"{ForwardColumns(kernel)}(ref w, {(kernel.HasBias ? "ref b, " : "")}ref xs, ref ys, steps, 0);");
        }
        w.Line();
        w.Line($"/// <summary>Outputs <paramref name=\"start\"/>..{kernel.Out - 1} of <see cref=\"{ForwardName(kernel)}\"/> for every step, one at a time.</summary>");
        using (w.Block($"private static void {ForwardColumns(kernel)}(ref float w, {(kernel.HasBias ? "ref float b, " : "")}ref float xs, ref float ys, nuint steps, nuint start)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            using (w.Block("for (nuint t = 0; t < steps; t++)"))
            {
                using (w.Block("for (nuint o = start; o < Out; o++)"))
                {
                    w.Line(kernel.HasBias ? "float sum = Unsafe.Add(ref b, o);" : "float sum = 0f;");
                    using (w.Block("for (nuint j = 0; j < In; j++)"))
                    {
                        w.Line("sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref w, j * Out + o), Unsafe.Add(ref xs, t * In + j), sum);");
                    }
                    w.Line("Unsafe.Add(ref ys, t * Out + o) = sum;");
                }
            }
        }
    }

    /// <summary>One tile of the forward pass: steps t..t+rows-1, <paramref name="count"/> vectors of outputs from <paramref name="offset"/>.</summary>
    private static void EmitForwardTile(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int rows, int count, string offset)
    {
        for (var r = 0; r < rows; r++)
        {
            w.Line($"ref float x{r} = ref Unsafe.Add(ref xs, {Step(r)} * In);");
        }
        for (var r = 0; r < rows; r++)
        {
            for (var k = 0; k < count; k++)
            {
                w.Line(kernel.HasBias
                    ? $"{width.Of} acc{r}{k} = {width.Type}.LoadUnsafe(ref b, {Plus(offset, k * width.Floats)});"
                    : $"{width.Of} acc{r}{k} = {width.Of}.Zero;");
            }
        }
        using (w.Block("for (nuint j = 0; j < In; j++)"))
        {
            w.Line($"ref float row = ref Unsafe.Add(ref w, {Plus("j * Out", offset)});");
            for (var k = 0; k < count; k++)
            {
                w.Line($"{width.Of} wv{k} = {width.Type}.LoadUnsafe(ref row, {k * width.Floats});");
            }
            for (var r = 0; r < rows; r++)
            {
                w.Line($"{width.Of} xj{r} = {width.Type}.Create(Unsafe.Add(ref x{r}, j));");
                for (var k = 0; k < count; k++)
                {
                    w.Line($"acc{r}{k} = {width.Type}.FusedMultiplyAdd(wv{k}, xj{r}, acc{r}{k});");
                }
            }
        }
        for (var r = 0; r < rows; r++)
        {
            for (var k = 0; k < count; k++)
            {
                w.Line($"acc{r}{k}.StoreUnsafe(ref ys, {Plus($"{Step(r)} * Out", Plus(offset, k * width.Floats))});");
            }
        }
    }

    /// <summary>The weight gradient alone, for a recurrent layer whose steps run one after the other and need dL/dx at each.</summary>
    public static void EmitWeightBackward(CodeWriter w, LinearKernelPlan kernel)
    {
        var bias = kernel.HasBias ? "Span<float> dBias, " : "";
        var biasFormula = kernel.HasBias ? ", db += Σ_t dy_t" : "";
        w.Line($"/// <summary>Weight gradients of <c>{kernel.ForwardName}</c> over the <paramref name=\"rows\"/> steps of x and dy: dW += Σ_t x_t dy_t^T{biasFormula}, summed in step order. One pass over dW.</summary>");
        using (w.Block($"public static void {WeightBackwardName(kernel)}(Span<float> dWeight, {bias}ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int rows)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            w.Line("nuint steps = (nuint)rows;");
            w.Line("ref float dw = ref MemoryMarshal.GetReference(dWeight.Slice(0, In * Out));");
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x.Slice(0, rows * In));");
            w.Line("ref float dys = ref MemoryMarshal.GetReference(dy.Slice(0, rows * Out));");
            if (kernel.HasBias)
            {
                using (w.Block("for (int t = 0; t < rows; t++)"))
                {
                    w.Line("TensorPrimitives.Add(dBias.Slice(0, Out), dy.Slice(t * Out, Out), dBias.Slice(0, Out));");
                }
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
                    var tile = VectorTile(width);
                    w.Line("// A block of dy's columns for every step stays in L1 while the tiles of dW's rows pass over it.");
                    ForEachColumnBlock(w, width, vectors, tile, (count, offset) =>
                        ForEachInputTile(w, kernel, (inputs, j) => EmitWeightTile(w, width, inputs, j, count, offset)));
                    var tailStart = vectors * width.Floats;
                    if (tailStart < kernel.Out)
                    {
                        w.Line($"{WeightColumns(kernel)}(ref dw, ref xs, ref dys, steps, {tailStart});");
                    }
                    w.Line("return;");
                }
            }
            w.Line("// No SIMD.");
            w.Line($"{WeightColumns(kernel)}(ref dw, ref xs, ref dys, steps, 0);");
        }
        w.Line();
        w.Line($"/// <summary>Columns <paramref name=\"start\"/>..{kernel.Out - 1} of <see cref=\"{WeightBackwardName(kernel)}\"/>, one at a time.</summary>");
        using (w.Block($"private static void {WeightColumns(kernel)}(ref float dw, ref float xs, ref float dys, nuint steps, nuint start)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            using (w.Block("for (nuint j = 0; j < In; j++)"))
            {
                using (w.Block("for (nuint o = start; o < Out; o++)"))
                {
                    w.Line("float sum = Unsafe.Add(ref dw, j * Out + o);");
                    using (w.Block("for (nuint t = 0; t < steps; t++)"))
                    {
                        w.Line("sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref dys, t * Out + o), Unsafe.Add(ref xs, t * In + j), sum);");
                    }
                    w.Line("Unsafe.Add(ref dw, j * Out + o) = sum;");
                }
            }
        }
    }

    /// <summary>One tile of the weight gradient: dW's rows j..j+inputs-1, <paramref name="count"/> vectors of columns from <paramref name="offset"/>.</summary>
    private static void EmitWeightTile(CodeWriter w, VectorWidth width, int inputs, string j, int count, string offset)
    {
        for (var r = 0; r < inputs; r++)
        {
            w.Line($"ref float dRow{r} = ref Unsafe.Add(ref dw, {Plus(RowStart(j, r), offset)});");
            for (var k = 0; k < count; k++)
            {
                w.Line($"{width.Of} acc{r}{k} = {width.Type}.LoadUnsafe(ref dRow{r}, {k * width.Floats});");
            }
        }
        using (w.Block("for (nuint t = 0; t < steps; t++)"))
        {
            w.Line($"ref float dyRow = ref Unsafe.Add(ref dys, {Plus("t * Out", offset)});");
            w.Line($"ref float xRow = ref Unsafe.Add(ref xs, {Plus("t * In", j)});");
            for (var k = 0; k < count; k++)
            {
                w.Line($"{width.Of} dy{k} = {width.Type}.LoadUnsafe(ref dyRow, {k * width.Floats});");
            }
            for (var r = 0; r < inputs; r++)
            {
                w.Line($"{width.Of} x{r} = {width.Type}.Create(Unsafe.Add(ref xRow, {r}));");
                for (var k = 0; k < count; k++)
                {
                    w.Line($"acc{r}{k} = {width.Type}.FusedMultiplyAdd(dy{k}, x{r}, acc{r}{k});");
                }
            }
        }
        for (var r = 0; r < inputs; r++)
        {
            for (var k = 0; k < count; k++)
            {
                w.Line($"acc{r}{k}.StoreUnsafe(ref dRow{r}, {k * width.Floats});");
            }
        }
    }

    private static void EmitInputBackward(CodeWriter w, LinearKernelPlan kernel)
    {
        w.Line($"/// <summary>Input gradients of <see cref=\"{ForwardName(kernel)}\"/> for each of the <paramref name=\"rows\"/> steps of dy: dx_t += W^T dy_t.</summary>");
        using (w.Block($"public static void {InputBackwardName(kernel)}(ReadOnlySpan<float> weight, ReadOnlySpan<float> dy, Span<float> dx, int rows)"))
        {
            w.Line($"const int In = {kernel.In}, Out = {kernel.Out};");
            w.Line("nuint steps = (nuint)rows;");
            w.Line("ref float w = ref MemoryMarshal.GetReference(weight.Slice(0, In * Out));");
            w.Line("ref float dys = ref MemoryMarshal.GetReference(dy.Slice(0, rows * Out));");
            w.Line("ref float dxs = ref MemoryMarshal.GetReference(dx.Slice(0, rows * In));");
            foreach (var width in VectorWidth.All)
            {
                var vectors = kernel.Out / width.Floats;
                if (vectors == 0)
                {
                    continue;
                }
                using (w.Block($"if ({width.Type}.IsHardwareAccelerated)"))
                {
                    var tailStart = vectors * width.Floats;
                    if (ReducesTogether(kernel, width))
                    {
                        EmitReducedInputPath(w, kernel, width, tailStart);
                    }
                    else
                    {
                        w.Line("// A tile of W's rows stays in L1 while every step's dy passes over it.");
                        ForEachInputTile(w, kernel, (inputs, j) =>
                            ForEachStepTile(w, VectorTile(width), rows => EmitInputTile(w, kernel, width, rows, inputs, j, tailStart)));
                    }
                    w.Line("return;");
                }
            }
            w.Line("// No SIMD.");
            using (w.Block("for (nuint t = 0; t < steps; t++)"))
            {
                using (w.Block("for (nuint j = 0; j < In; j++)"))
                {
                    w.Line($"Unsafe.Add(ref dxs, t * In + j) += {InputColumns(kernel)}(ref Unsafe.Add(ref w, j * Out), ref Unsafe.Add(ref dys, t * Out), 0);");
                }
            }
        }
        w.Line();
        w.Line($"/// <summary>Columns <paramref name=\"start\"/>..{kernel.Out - 1} of one dot product of <see cref=\"{InputBackwardName(kernel)}\"/>: Σ_o W[j, o] dy[o].</summary>");
        using (w.Block($"private static float {InputColumns(kernel)}(ref float row, ref float dyRow, nuint start)"))
        {
            w.Line($"const int Out = {kernel.Out};");
            w.Line("float dot = 0f;");
            using (w.Block("for (nuint o = start; o < Out; o++)"))
            {
                w.Line("dot = MathF.FusedMultiplyAdd(Unsafe.Add(ref row, o), Unsafe.Add(ref dyRow, o), dot);");
            }
            w.Line("return dot;");
        }
    }

    /// <summary>
    /// Whether the input gradient at <paramref name="width"/> takes <see cref="ReducedInputTile"/> weight rows at a time and
    /// reduces each step's dot products together into one vector of dx: with Vector512 or Vector256 (a Vector128 has no
    /// eight lanes to reduce into), at least one full tile of rows, and rows short enough that a tile stays in L1.
    /// </summary>
    private static bool ReducesTogether(LinearKernelPlan kernel, VectorWidth width) =>
        width.Floats >= ReducedInputTile && kernel.In >= ReducedInputTile && kernel.Out <= ReducedTileMaxOut;

    /// <summary>
    /// The input gradient in tiles of <see cref="ReducedInputTile"/> weight rows: each step's eight dot products reduce
    /// together (SumEach) into one Vector256 added to dx, where the 4-row tiles pay one horizontal sum and one scalar
    /// read-modify-write per dot product, which costs more than the dot product's multiply-adds when rows are short.
    /// Rows that do not fill a tile run one step at a time with a horizontal sum each.
    /// </summary>
    private static void EmitReducedInputPath(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int tailStart)
    {
        var tiles = kernel.In / ReducedInputTile;
        w.Line($"// {ReducedInputTile} of W's rows stay in L1 while every step's dy passes over them; each step's {ReducedInputTile} dot products reduce together.");
        using (w.Block($"for (nuint j = 0; j < {tiles * ReducedInputTile}; j += {ReducedInputTile})"))
        {
            ForEachStepTile(w, ReducedStepTile(width), rows => EmitReducedInputTile(w, kernel, width, rows, tailStart));
        }
        var rest = kernel.In % ReducedInputTile;
        if (rest > 0)
        {
            var start = tiles * ReducedInputTile;
            w.Line(rest == 1 ? $"// Weight row {start}." : $"// Weight rows {start}..{kernel.In - 1}.");
            using (w.Block("for (nuint t = 0; t < steps; t++)"))
            {
                EmitInputTile(w, kernel, width, 1, rest, start.ToString(), tailStart);
            }
        }
    }

    /// <summary>
    /// One tile of the reduced input gradient: steps t..t+rows-1 against W's rows j..j+7; per step, the eight dot products
    /// (each folded to eight lanes first on Vector512) reduce into one Vector256 added to dx_t[j..j+7], the columns past the
    /// last full vector added row by row.
    /// </summary>
    private static void EmitReducedInputTile(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int rows, int tailStart)
    {
        EmitInputDots(w, width, rows, ReducedInputTile, "j", tailStart);
        for (var r = 0; r < rows; r++)
        {
            w.Line($"ref float dxRow{r} = ref Unsafe.Add(ref dxs, {Step(r)} * In + j);");
            w.Line($"(Vector256.LoadUnsafe(ref dxRow{r}) + {StepInputBackwardEmitter.SumEachCall(width, c => $"dot{r}{c}")}).StoreUnsafe(ref dxRow{r});");
            if (tailStart < kernel.Out)
            {
                for (var c = 0; c < ReducedInputTile; c++)
                {
                    w.Line($"Unsafe.Add(ref dxRow{r}, {c}) += {InputColumns(kernel)}(ref row{c}, ref dyRow{r}, {tailStart});");
                }
            }
        }
    }

    /// <summary>
    /// The dot products of one input-gradient tile over every full vector of columns: dot{r}{c} = Σ_o W[j + c, o] dy_{t+r}[o],
    /// with row{c} and dyRow{r} left pointing at the rows for the columns past the last vector.
    /// </summary>
    private static void EmitInputDots(CodeWriter w, VectorWidth width, int rows, int inputs, string j, int tailStart)
    {
        for (var c = 0; c < inputs; c++)
        {
            w.Line($"ref float row{c} = ref Unsafe.Add(ref w, {RowStart(j, c)});");
        }
        for (var r = 0; r < rows; r++)
        {
            w.Line($"ref float dyRow{r} = ref Unsafe.Add(ref dys, {Step(r)} * Out);");
        }
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < inputs; c++)
            {
                w.Line($"{width.Of} dot{r}{c} = {width.Of}.Zero;");
            }
        }
        using (w.Block($"for (nuint o = 0; o < {tailStart}; o += {width.Floats})"))
        {
            for (var c = 0; c < inputs; c++)
            {
                w.Line($"{width.Of} wv{c} = {width.Type}.LoadUnsafe(ref row{c}, o);");
            }
            for (var r = 0; r < rows; r++)
            {
                w.Line($"{width.Of} dy{r} = {width.Type}.LoadUnsafe(ref dyRow{r}, o);");
                for (var c = 0; c < inputs; c++)
                {
                    w.Line($"dot{r}{c} = {width.Type}.FusedMultiplyAdd(wv{c}, dy{r}, dot{r}{c});");
                }
            }
        }
    }

    /// <summary>One tile of the input gradient: steps t..t+rows-1 against W's rows j..j+inputs-1, each a dot product over all outputs.</summary>
    private static void EmitInputTile(CodeWriter w, LinearKernelPlan kernel, VectorWidth width, int rows, int inputs, string j, int tailStart)
    {
        EmitInputDots(w, width, rows, inputs, j, tailStart);
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < inputs; c++)
            {
                var tail = tailStart < kernel.Out ? $" + {InputColumns(kernel)}(ref row{c}, ref dyRow{r}, {tailStart})" : "";
                w.Line($"Unsafe.Add(ref dxs, {Plus($"{Step(r)} * In", Plus(j, c))}) += {width.Type}.Sum(dot{r}{c}){tail};");
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> over the output columns in blocks of <paramref name="tile"/> vectors (count, offset),
    /// then once over the vectors that do not fill a block.
    /// </summary>
    private static void ForEachColumnBlock(CodeWriter w, VectorWidth width, int vectors, int tile, System.Action<int, string> body)
    {
        var blocks = vectors / tile;
        var blockFloats = tile * width.Floats;
        if (blocks == 1)
        {
            w.Line($"// Columns 0..{blockFloats - 1}.");
            using (w.Block(""))
            {
                body(tile, "0");
            }
        }
        else if (blocks > 1)
        {
            using (w.Block($"for (nuint o = 0; o < {blocks * blockFloats}; o += {blockFloats})"))
            {
                body(tile, "o");
            }
        }
        var rest = vectors % tile;
        if (rest > 0)
        {
            var start = blocks * blockFloats;
            w.Line($"// Columns {start}..{start + rest * width.Floats - 1}.");
            using (w.Block(""))
            {
                body(rest, start.ToString());
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> over the steps, <paramref name="tile"/> at a time, then one at a time for the rest; t is the first step of the tile.</summary>
    private static void ForEachStepTile(CodeWriter w, int tile, System.Action<int> body)
    {
        if (tile == 1)
        {
            using (w.Block("for (nuint t = 0; t < steps; t++)"))
            {
                body(1);
            }
            return;
        }
        w.Line("nuint t = 0;");
        using (w.Block($"for (; t + {tile} <= steps; t += {tile})"))
        {
            body(tile);
        }
        using (w.Block("for (; t < steps; t++)"))
        {
            body(1);
        }
    }

    /// <summary>Runs <paramref name="body"/> over the weight rows (inputs), <see cref="InputTile"/> at a time, then in one smaller tile; j is the tile's first row.</summary>
    private static void ForEachInputTile(CodeWriter w, LinearKernelPlan kernel, System.Action<int, string> body)
    {
        var tiles = kernel.In / InputTile;
        if (tiles == 1)
        {
            w.Line($"// Weight rows 0..{InputTile - 1}.");
            using (w.Block(""))
            {
                body(InputTile, "0");
            }
        }
        else if (tiles > 1)
        {
            using (w.Block($"for (nuint j = 0; j < {tiles * InputTile}; j += {InputTile})"))
            {
                body(InputTile, "j");
            }
        }
        var rest = kernel.In % InputTile;
        if (rest > 0)
        {
            var start = tiles * InputTile;
            w.Line($"// Weight rows {start}..{kernel.In - 1}.");
            using (w.Block(""))
            {
                body(rest, start.ToString());
            }
        }
    }

    /// <summary>The first element of weight row <paramref name="j"/> + <paramref name="r"/>.</summary>
    private static string RowStart(string j, int r) => int.TryParse(j, out var constant)
        ? $"{constant + r} * Out"
        : r == 0 ? $"{j} * Out" : $"({j} + {r}) * Out";

    private static string Step(int r) => r == 0 ? "t" : $"(t + {r})";

    private static string ForwardColumns(LinearKernelPlan kernel) => ForwardName(kernel) + "Columns";

    private static string WeightColumns(LinearKernelPlan kernel) => WeightBackwardName(kernel) + "Columns";

    private static string InputColumns(LinearKernelPlan kernel) => InputBackwardName(kernel) + "Columns";
}
