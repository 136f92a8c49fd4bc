using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticSeq2Seq.Numerics;

/// <summary>
/// Dense products with int8 weights and int8 activations, as decoding with <see cref="DecodeWeightFormat.Int8Dynamic"/>
/// runs them: y[o] = scale[o] · xScale · Σ_j q[o, j] x_q[j] + b[o], the sum in exact integers.
/// </summary>
/// <remarks>
/// <para>
/// The weights are quantized per output row as <see cref="Int8Quantization"/> does, and packed in groups of four
/// inputs: the (inputs, outputs) matrix becomes (⌈inputs / 4⌉, outputs, 4), each output's four weights of a group in one
/// 32-bit lane, which is what <c>vpdpbusd</c> multiplies (four unsigned bytes by four signed bytes, added to an int32).
/// Inputs past the last multiple of four are padded with zero weights.
/// </para>
/// <para>
/// The input vector is quantized once per product with one scale (<see cref="QuantizeActivations"/>: its largest
/// magnitude / 127) and stored unsigned with zero point 128, so x_q + 128 is what the instruction reads; each row's
/// <c>-128 Σ_j q[o, j]</c>, kept beside its scale, starts the row's sum, so the sum is Σ_j q[o, j] x_q[j] exactly.
/// </para>
/// <para>
/// Every path computes the same integer sums (integer addition is exact, so its order does not matter) and then the
/// same float operations, one fused multiply-add per output with the factor scale[o] · xScale: AVX-VNNI, AVX-512BW's
/// and AVX2's <c>vpmaddubsw</c> (processors without AVX-VNNI, for which .NET 10 has no <c>vpdpbusd</c>; the outputs
/// past AVX-512BW's vectors of 16 go to AVX2's), SSE4.1's <c>vpmaddwd</c> on the weights widened to 16 bits, and
/// one output at a time; all give identical bits. <c>vpmaddubsw</c> multiplies the bytes as they are, but a pair of
/// whole activation bytes times weights reaches 2 · 255 · 127 and saturates its 16 bits, so it multiplies each
/// activation's high and low 4 bits apart: a pair is at most 2 · 15 · 127, eight groups' pairs add up exactly in
/// 16 bits, and <c>vpmaddwd</c> by 16 and by 1 widens them into the output's int32.
/// </para>
/// </remarks>
public static class Int8DotProducts
{
    /// <summary>What a quantized activation is stored as: its value plus 128, a byte from 1 to 255.</summary>
    public const int ZeroPoint = 128;

    /// <summary>How many consecutive inputs of one output share a 32-bit lane of the packed weights.</summary>
    public const int GroupSize = 4;

    /// <summary>The groups of four inputs of a matrix with <paramref name="inputs"/> inputs, the last one padded.</summary>
    public static int Groups(int inputs) => (inputs + GroupSize - 1) / GroupSize;

    /// <summary>The bytes of the packed form of a matrix of <paramref name="inputs"/> inputs and <paramref name="outputs"/> outputs.</summary>
    public static int PackedLength(int inputs, int outputs) => Groups(inputs) * GroupSize * outputs;

    /// <summary>
    /// Quantizes the matrix W of shape (<paramref name="outputs"/>, <paramref name="inputs"/>), given as
    /// <paramref name="transposedWeight"/> in the (inputs, outputs) layout the dense kernels store, into
    /// <paramref name="packed"/> (<see cref="PackedLength"/> bytes, groups of four inputs per output), its row scales
    /// (as <see cref="Int8Quantization.QuantizeRows"/>) and each row's <c>-128 Σ_j q[o, j]</c> in
    /// <paramref name="zeroPointTerms"/>. Allocation-free.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputs"/> or <paramref name="outputs"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A span is shorter than the matrix, its packed form or its rows need.</exception>
    public static void PackRows(ReadOnlySpan<float> transposedWeight, int inputs, int outputs, Span<sbyte> packed, Span<float> scales, Span<int> zeroPointTerms)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        int count = inputs * outputs;
        int packedLength = PackedLength(inputs, outputs);
        if (transposedWeight.Length < count || packed.Length < packedLength)
        {
            throw new ArgumentException(
                $"A ({outputs}, {inputs}) matrix has {count} weights and {packedLength} packed bytes but the weights span holds {transposedWeight.Length} and the packed span {packed.Length}; pass spans at least that long.",
                nameof(transposedWeight));
        }
        Int8Quantization.CheckRows(scales.Length, outputs, "scales", nameof(scales));
        Int8Quantization.CheckRows(zeroPointTerms.Length, outputs, "zero-point terms", nameof(zeroPointTerms));
        Int8Quantization.RowScales(transposedWeight, inputs, outputs, scales);
        packed[..packedLength].Clear();
        zeroPointTerms = zeroPointTerms[..outputs];
        zeroPointTerms.Clear();
        for (int j = 0; j < inputs; j++)
        {
            ReadOnlySpan<float> row = transposedWeight.Slice(j * outputs, outputs);
            Span<sbyte> group = packed.Slice(j / GroupSize * GroupSize * outputs);
            for (int o = 0; o < outputs; o++)
            {
                sbyte q = Int8Quantization.Quantize(row[o], scales[o]);
                group[o * GroupSize + j % GroupSize] = q;
                zeroPointTerms[o] -= ZeroPoint * q;
            }
        }
    }

    /// <summary>
    /// Quantizes <paramref name="x"/> with one scale, its largest magnitude / 127 (<see cref="Int8Quantization.RowScale"/>),
    /// into <paramref name="quantized"/> as <c>round(x / scale) + 128</c> (to nearest, ties to even), and returns the
    /// scale. An all-zero vector gets scale 0, a vector holding a NaN or an infinity scale NaN (so every output of the
    /// product is NaN); either way each byte is 128. Allocation-free; every SIMD width gives the scalar loop's bytes.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="quantized"/> is shorter than <paramref name="x"/>.</exception>
    public static float QuantizeActivations(ReadOnlySpan<float> x, Span<byte> quantized)
    {
        if (quantized.Length < x.Length)
        {
            throw new ArgumentException(
                $"{x.Length} activations need {x.Length} bytes but the quantized span holds {quantized.Length}; pass one at least {x.Length} long.",
                nameof(quantized));
        }
        float scale = x.IsEmpty ? 0f : Int8Quantization.RowScale(TensorPrimitives.MaxMagnitude(x));
        if (!(scale > 0f))
        {
            quantized[..x.Length].Fill(ZeroPoint);
            return scale;
        }
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref byte qs = ref MemoryMarshal.GetReference(quantized);
            Vector256<float> divisor = Vector256.Create(scale);
            Vector256<float> limit = Vector256.Create((float)Int8Quantization.MaxMagnitude);
            Vector256<int> zeroPoint = Vector256.Create(ZeroPoint);
            for (; i + 2 * Vector256<float>.Count <= x.Length; i += 2 * Vector256<float>.Count)
            {
                Vector256<int> low = Units(Vector256.LoadUnsafe(ref xs, (nuint)i), divisor, limit) + zeroPoint;
                Vector256<int> high = Units(Vector256.LoadUnsafe(ref xs, (nuint)(i + Vector256<float>.Count)), divisor, limit) + zeroPoint;
                Vector256<ushort> words = Vector256.Narrow(low.AsUInt32(), high.AsUInt32());
                Vector256.Narrow(words, words).GetLower().StoreUnsafe(ref qs, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            quantized[i] = (byte)(Int8Quantization.Quantize(x[i], scale) + ZeroPoint);
        }
        return scale;
    }

    /// <summary><see cref="Int8Quantization.Quantize"/> of eight finite values at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Units(Vector256<float> x, Vector256<float> divisor, Vector256<float> limit) =>
        Vector256.ConvertToInt32(Vector256.Clamp(Vector256.Round(x / divisor), -limit, limit));

    /// <summary>
    /// y = scale ⊙ (xScale · Q x_q) + b for the packed matrix of <see cref="PackRows"/> with <paramref name="inputs"/>
    /// inputs and <paramref name="outputs"/> outputs and the activations of <see cref="QuantizeActivations"/>
    /// (<paramref name="quantizedX"/>: <see cref="Groups"/> · 4 bytes, those past the inputs any value, since their
    /// weights are zero); an empty <paramref name="bias"/> adds none. Allocation-free; the caller checks the lengths.
    /// </summary>
    public static void Multiply(ReadOnlySpan<sbyte> packed, ReadOnlySpan<float> scales, ReadOnlySpan<int> zeroPointTerms, ReadOnlySpan<float> bias,
        ReadOnlySpan<byte> quantizedX, float xScale, Span<float> y, int inputs, int outputs)
    {
        var product = new Product(
            ref MemoryMarshal.GetReference(packed), ref MemoryMarshal.GetReference(scales), ref MemoryMarshal.GetReference(zeroPointTerms),
            ref MemoryMarshal.GetReference(bias), ref MemoryMarshal.GetReference(quantizedX), xScale, ref MemoryMarshal.GetReference(y),
            Groups(inputs), outputs, !bias.IsEmpty);
        int o = 0;
        if (AvxVnni.IsSupported)
        {
            for (; o + 8 * Vector256<int>.Count <= outputs; o += 8 * Vector256<int>.Count)
            {
                product.VnniBlock8(o);
            }
            for (; o + Vector256<int>.Count <= outputs; o += Vector256<int>.Count)
            {
                product.VnniVector(o);
            }
        }
        else if (Avx512BW.IsSupported)
        {
            for (; o + 4 * Vector512<int>.Count <= outputs; o += 4 * Vector512<int>.Count)
            {
                product.Avx512Block4(o);
            }
            for (; o + Vector512<int>.Count <= outputs; o += Vector512<int>.Count)
            {
                product.Avx512Vector(o);
            }
            for (; o + Vector256<int>.Count <= outputs; o += Vector256<int>.Count)
            {
                product.Avx2Vector(o);
            }
        }
        else if (Avx2.IsSupported)
        {
            for (; o + 4 * Vector256<int>.Count <= outputs; o += 4 * Vector256<int>.Count)
            {
                product.Avx2Block4(o);
            }
            for (; o + Vector256<int>.Count <= outputs; o += Vector256<int>.Count)
            {
                product.Avx2Vector(o);
            }
        }
        else if (Sse41.IsSupported && Ssse3.IsSupported)
        {
            for (; o + Vector128<int>.Count <= outputs; o += Vector128<int>.Count)
            {
                product.Sse41Vector(o);
            }
        }
        for (; o < outputs; o++)
        {
            product.Scalar(o);
        }
    }

    /// <summary>One product's operands, and its outputs by vectors (each path) or one at a time.</summary>
    private readonly ref struct Product
    {
        /// <summary>
        /// How many groups' <c>vpmaddubsw</c> pairs of 4-bit activation halves a 16-bit lane can add exactly:
        /// 8 · 2 · 15 · 127 = 30,480, below int16's 32,767.
        /// </summary>
        private const int GroupsPer16BitSum = 8;

        private readonly ref sbyte weights;
        private readonly ref float scales;
        private readonly ref int terms;
        private readonly ref float bias;
        private readonly ref byte x;
        private readonly ref float y;
        private readonly float xScale;
        private readonly int groups;
        private readonly int outputs;
        private readonly bool hasBias;

        public Product(ref sbyte weights, ref float scales, ref int terms, ref float bias, ref byte x, float xScale, ref float y, int groups, int outputs, bool hasBias)
        {
            this.weights = ref weights;
            this.scales = ref scales;
            this.terms = ref terms;
            this.bias = ref bias;
            this.x = ref x;
            this.xScale = xScale;
            this.y = ref y;
            this.groups = groups;
            this.outputs = outputs;
            this.hasBias = hasBias;
        }

        /// <summary>Group g's four activation bytes in every 32-bit lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector256<byte> Activations256(int g) => Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref x, g * GroupSize))).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector128<byte> Activations128(int g) => Vector128.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref x, g * GroupSize))).AsByte();

        /// <summary>The packed weights of group g from output o on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ref sbyte Weights(int g, int o) => ref Unsafe.Add(ref weights, ((nint)g * outputs + o) * GroupSize);

        /// <summary>Outputs o..o+63: eight vectors of sums kept in registers across the groups.</summary>
        public void VnniBlock8(int o)
        {
            Vector256<int> acc0 = Vector256.LoadUnsafe(ref terms, (nuint)o);
            Vector256<int> acc1 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 8));
            Vector256<int> acc2 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 16));
            Vector256<int> acc3 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 24));
            Vector256<int> acc4 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 32));
            Vector256<int> acc5 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 40));
            Vector256<int> acc6 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 48));
            Vector256<int> acc7 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 56));
            for (int g = 0; g < groups; g++)
            {
                Vector256<byte> xg = Activations256(g);
                ref sbyte w = ref Weights(g, o);
                acc0 = AvxVnni.MultiplyWideningAndAdd(acc0, xg, Vector256.LoadUnsafe(ref w));
                acc1 = AvxVnni.MultiplyWideningAndAdd(acc1, xg, Vector256.LoadUnsafe(ref w, 32));
                acc2 = AvxVnni.MultiplyWideningAndAdd(acc2, xg, Vector256.LoadUnsafe(ref w, 64));
                acc3 = AvxVnni.MultiplyWideningAndAdd(acc3, xg, Vector256.LoadUnsafe(ref w, 96));
                acc4 = AvxVnni.MultiplyWideningAndAdd(acc4, xg, Vector256.LoadUnsafe(ref w, 128));
                acc5 = AvxVnni.MultiplyWideningAndAdd(acc5, xg, Vector256.LoadUnsafe(ref w, 160));
                acc6 = AvxVnni.MultiplyWideningAndAdd(acc6, xg, Vector256.LoadUnsafe(ref w, 192));
                acc7 = AvxVnni.MultiplyWideningAndAdd(acc7, xg, Vector256.LoadUnsafe(ref w, 224));
            }
            Store(acc0, o);
            Store(acc1, o + 8);
            Store(acc2, o + 16);
            Store(acc3, o + 24);
            Store(acc4, o + 32);
            Store(acc5, o + 40);
            Store(acc6, o + 48);
            Store(acc7, o + 56);
        }

        /// <summary>Outputs o..o+7 with AVX-VNNI.</summary>
        public void VnniVector(int o)
        {
            Vector256<int> acc = Vector256.LoadUnsafe(ref terms, (nuint)o);
            for (int g = 0; g < groups; g++)
            {
                acc = AvxVnni.MultiplyWideningAndAdd(acc, Activations256(g), Vector256.LoadUnsafe(ref Weights(g, o)));
            }
            Store(acc, o);
        }

        /// <summary>Outputs o..o+31 with AVX2, as <see cref="Avx512Block4"/> at half the width.</summary>
        public void Avx2Block4(int o)
        {
            Vector256<int> sums0 = Vector256.LoadUnsafe(ref terms, (nuint)o), sums1 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 8));
            Vector256<int> sums2 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 16)), sums3 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 24));
            for (int start = 0; start < groups; start += GroupsPer16BitSum)
            {
                int end = Math.Min(start + GroupsPer16BitSum, groups);
                Vector256<short> high0 = Vector256<short>.Zero, high1 = Vector256<short>.Zero, high2 = Vector256<short>.Zero, high3 = Vector256<short>.Zero;
                Vector256<short> low0 = Vector256<short>.Zero, low1 = Vector256<short>.Zero, low2 = Vector256<short>.Zero, low3 = Vector256<short>.Zero;
                for (int g = start; g < end; g++)
                {
                    Nibbles256(g, out Vector256<byte> xHigh, out Vector256<byte> xLow);
                    ref sbyte w = ref Weights(g, o);
                    Vector256<sbyte> w0 = Vector256.LoadUnsafe(ref w), w1 = Vector256.LoadUnsafe(ref w, 32);
                    Vector256<sbyte> w2 = Vector256.LoadUnsafe(ref w, 64), w3 = Vector256.LoadUnsafe(ref w, 96);
                    high0 += Avx2.MultiplyAddAdjacent(xHigh, w0);
                    low0 += Avx2.MultiplyAddAdjacent(xLow, w0);
                    high1 += Avx2.MultiplyAddAdjacent(xHigh, w1);
                    low1 += Avx2.MultiplyAddAdjacent(xLow, w1);
                    high2 += Avx2.MultiplyAddAdjacent(xHigh, w2);
                    low2 += Avx2.MultiplyAddAdjacent(xLow, w2);
                    high3 += Avx2.MultiplyAddAdjacent(xHigh, w3);
                    low3 += Avx2.MultiplyAddAdjacent(xLow, w3);
                }
                sums0 += Widen(high0, low0);
                sums1 += Widen(high1, low1);
                sums2 += Widen(high2, low2);
                sums3 += Widen(high3, low3);
            }
            Store(sums0, o);
            Store(sums1, o + 8);
            Store(sums2, o + 16);
            Store(sums3, o + 24);
        }

        /// <summary>Outputs o..o+7 with AVX2, as <see cref="Avx512Vector"/> at half the width.</summary>
        public void Avx2Vector(int o)
        {
            Vector256<int> sums = Vector256.LoadUnsafe(ref terms, (nuint)o);
            for (int start = 0; start < groups; start += GroupsPer16BitSum)
            {
                int end = Math.Min(start + GroupsPer16BitSum, groups);
                Vector256<short> high = Vector256<short>.Zero, low = Vector256<short>.Zero;
                for (int g = start; g < end; g++)
                {
                    Nibbles256(g, out Vector256<byte> xHigh, out Vector256<byte> xLow);
                    Vector256<sbyte> w = Vector256.LoadUnsafe(ref Weights(g, o));
                    high += Avx2.MultiplyAddAdjacent(xHigh, w);
                    low += Avx2.MultiplyAddAdjacent(xLow, w);
                }
                sums += Widen(high, low);
            }
            Store(sums, o);
        }

        /// <summary>The 256-bit <see cref="Widen(Vector512{short}, Vector512{short})"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Widen(Vector256<short> high, Vector256<short> low) =>
            Avx2.MultiplyAddAdjacent(high, Vector256.Create((short)16)) + Avx2.MultiplyAddAdjacent(low, Vector256<short>.One);

        /// <summary>Group g's activations split into their high and low 4 bits, as <see cref="Nibbles512"/> at half the width.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Nibbles256(int g, out Vector256<byte> high, out Vector256<byte> low)
        {
            uint bytes = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref x, g * GroupSize));
            high = Vector256.Create((bytes >> 4) & 0x0F0F0F0Fu).AsByte();
            low = Vector256.Create(bytes & 0x0F0F0F0Fu).AsByte();
        }

        /// <summary>
        /// Outputs o..o+63 with AVX-512BW, as <see cref="Avx512Vector"/> four times over: four vectors of sums and
        /// eight of 16-bit sums kept in registers across the groups, each group's activations split once for all of them.
        /// </summary>
        public void Avx512Block4(int o)
        {
            Vector512<int> sums0 = Vector512.LoadUnsafe(ref terms, (nuint)o), sums1 = Vector512.LoadUnsafe(ref terms, (nuint)(o + 16));
            Vector512<int> sums2 = Vector512.LoadUnsafe(ref terms, (nuint)(o + 32)), sums3 = Vector512.LoadUnsafe(ref terms, (nuint)(o + 48));
            for (int start = 0; start < groups; start += GroupsPer16BitSum)
            {
                int end = Math.Min(start + GroupsPer16BitSum, groups);
                Vector512<short> high0 = Vector512<short>.Zero, high1 = Vector512<short>.Zero, high2 = Vector512<short>.Zero, high3 = Vector512<short>.Zero;
                Vector512<short> low0 = Vector512<short>.Zero, low1 = Vector512<short>.Zero, low2 = Vector512<short>.Zero, low3 = Vector512<short>.Zero;
                for (int g = start; g < end; g++)
                {
                    Nibbles512(g, out Vector512<byte> xHigh, out Vector512<byte> xLow);
                    ref sbyte w = ref Weights(g, o);
                    Vector512<sbyte> w0 = Vector512.LoadUnsafe(ref w), w1 = Vector512.LoadUnsafe(ref w, 64);
                    Vector512<sbyte> w2 = Vector512.LoadUnsafe(ref w, 128), w3 = Vector512.LoadUnsafe(ref w, 192);
                    high0 += Avx512BW.MultiplyAddAdjacent(xHigh, w0);
                    low0 += Avx512BW.MultiplyAddAdjacent(xLow, w0);
                    high1 += Avx512BW.MultiplyAddAdjacent(xHigh, w1);
                    low1 += Avx512BW.MultiplyAddAdjacent(xLow, w1);
                    high2 += Avx512BW.MultiplyAddAdjacent(xHigh, w2);
                    low2 += Avx512BW.MultiplyAddAdjacent(xLow, w2);
                    high3 += Avx512BW.MultiplyAddAdjacent(xHigh, w3);
                    low3 += Avx512BW.MultiplyAddAdjacent(xLow, w3);
                }
                sums0 += Widen(high0, low0);
                sums1 += Widen(high1, low1);
                sums2 += Widen(high2, low2);
                sums3 += Widen(high3, low3);
            }
            Store(sums0, o);
            Store(sums1, o + 16);
            Store(sums2, o + 32);
            Store(sums3, o + 48);
        }

        /// <summary>
        /// Outputs o..o+15 with AVX-512BW: <c>vpmaddubsw</c> multiplies the 64 weight bytes by the high and the low
        /// 4 bits of the activations, each output's inputs (0, 1) and (2, 3) added into two 16-bit lanes; up to
        /// <see cref="GroupsPer16BitSum"/> groups are added in 16 bits, then widened into each output's 32-bit lane.
        /// </summary>
        public void Avx512Vector(int o)
        {
            Vector512<int> sums = Vector512.LoadUnsafe(ref terms, (nuint)o);
            for (int start = 0; start < groups; start += GroupsPer16BitSum)
            {
                int end = Math.Min(start + GroupsPer16BitSum, groups);
                Vector512<short> high = Vector512<short>.Zero, low = Vector512<short>.Zero;
                for (int g = start; g < end; g++)
                {
                    Nibbles512(g, out Vector512<byte> xHigh, out Vector512<byte> xLow);
                    Vector512<sbyte> w = Vector512.LoadUnsafe(ref Weights(g, o));
                    high += Avx512BW.MultiplyAddAdjacent(xHigh, w);
                    low += Avx512BW.MultiplyAddAdjacent(xLow, w);
                }
                sums += Widen(high, low);
            }
            Store(sums, o);
        }

        /// <summary>
        /// Group g's four activation bytes a = 16 h + l split into h and l (0 to 15) in every 32-bit lane, so that a
        /// <c>vpmaddubsw</c> pair is at most 2 · 15 · 127 = 3,810 and cannot saturate.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Nibbles512(int g, out Vector512<byte> high, out Vector512<byte> low)
        {
            uint bytes = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref x, g * GroupSize));
            high = Vector512.Create((bytes >> 4) & 0x0F0F0F0Fu).AsByte();
            low = Vector512.Create(bytes & 0x0F0F0F0Fu).AsByte();
        }

        /// <summary>Each output's two 16-bit sums of high halves times 16 plus its two of low halves: its 32-bit sum.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> Widen(Vector512<short> high, Vector512<short> low) =>
            Avx512BW.MultiplyAddAdjacent(high, Vector512.Create((short)16)) + Avx512BW.MultiplyAddAdjacent(low, Vector512<short>.One);

        /// <summary>Outputs o..o+3 with SSE4.1, as <see cref="Avx2Vector"/> at half the width.</summary>
        public void Sse41Vector(int o)
        {
            Vector128<int> pairsLow = Vector128<int>.Zero, pairsHigh = Vector128<int>.Zero;
            for (int g = 0; g < groups; g++)
            {
                Vector128<short> xg = Sse41.ConvertToVector128Int16(Activations128(g));
                ref sbyte w = ref Weights(g, o);
                pairsLow += Sse2.MultiplyAddAdjacent(Sse41.ConvertToVector128Int16(Vector128.LoadUnsafe(ref w)), xg);
                pairsHigh += Sse2.MultiplyAddAdjacent(Sse41.ConvertToVector128Int16(Vector128.LoadUnsafe(ref w, 8)), xg);
            }
            Vector128<int> sums = Ssse3.HorizontalAdd(pairsLow, pairsHigh) + Vector128.LoadUnsafe(ref terms, (nuint)o);
            Vector128<float> factor = Vector128.LoadUnsafe(ref scales, (nuint)o) * xScale;
            Vector128<float> result = hasBias
                ? Vector128.FusedMultiplyAdd(Vector128.ConvertToSingle(sums), factor, Vector128.LoadUnsafe(ref bias, (nuint)o))
                : Vector128.ConvertToSingle(sums) * factor;
            result.StoreUnsafe(ref y, (nuint)o);
        }

        /// <summary>Output o alone.</summary>
        public void Scalar(int o)
        {
            int sum = Unsafe.Add(ref terms, o);
            for (int g = 0; g < groups; g++)
            {
                ref sbyte w = ref Weights(g, o);
                ref byte xg = ref Unsafe.Add(ref x, g * GroupSize);
                for (int k = 0; k < GroupSize; k++)
                {
                    sum += Unsafe.Add(ref xg, k) * Unsafe.Add(ref w, k);
                }
            }
            float factor = Unsafe.Add(ref scales, o) * xScale;
            Unsafe.Add(ref y, o) = hasBias ? MathF.FusedMultiplyAdd(sum, factor, Unsafe.Add(ref bias, o)) : sum * factor;
        }

        /// <summary>Outputs o..o+15 from their integer sums, as the 256-bit <see cref="Store(Vector256{int}, int)"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(Vector512<int> sums, int o)
        {
            Vector512<float> factor = Vector512.LoadUnsafe(ref scales, (nuint)o) * xScale;
            Vector512<float> result = hasBias
                ? Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(sums), factor, Vector512.LoadUnsafe(ref bias, (nuint)o))
                : Vector512.ConvertToSingle(sums) * factor;
            result.StoreUnsafe(ref y, (nuint)o);
        }

        /// <summary>Outputs o..o+7 from their integer sums: one multiply-add each with scale[o] · xScale.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(Vector256<int> sums, int o)
        {
            Vector256<float> factor = Vector256.LoadUnsafe(ref scales, (nuint)o) * xScale;
            Vector256<float> result = hasBias
                ? Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(sums), factor, Vector256.LoadUnsafe(ref bias, (nuint)o))
                : Vector256.ConvertToSingle(sums) * factor;
            result.StoreUnsafe(ref y, (nuint)o);
        }
    }
}
