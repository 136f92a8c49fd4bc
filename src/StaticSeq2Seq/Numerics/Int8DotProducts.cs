using System;
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
/// inputs, each output's four weights of a group in one 32-bit lane, which is what <c>vpdpbusd</c> multiplies (four
/// unsigned bytes by four signed bytes, added to an int32). Inputs past the last multiple of four are padded with zero
/// weights. The outputs are cut into panels of <see cref="PanelWidth"/> (the last one narrower), each stored whole before
/// the next: the (inputs, outputs) matrix becomes, panel by panel, (⌈inputs / 4⌉, panel width, 4). A kernel's block of
/// outputs then streams one contiguous run of bytes; with every group of all outputs side by side instead, a block read
/// 256 bytes every outputs · 4, and a 256 × 2000 product took about 1.3 times as long.
/// </para>
/// <para>
/// The input vector is quantized once per product with one scale (<see cref="QuantizeActivations"/>: its largest
/// magnitude / 63, seven bits) and stored unsigned with zero point 64, so x_q + 64 is what the instruction reads; each
/// row's <c>-64 Σ_j q[o, j]</c>, kept beside its scale, starts the row's sum, so the sum is Σ_j q[o, j] x_q[j] exactly.
/// </para>
/// <para>
/// Seven bits, not eight, because <c>vpmaddubsw</c>, the only byte multiply .NET offers on x64 processors without
/// AVX-VNNI, adds each pair of products into a saturating 16-bit lane: two products of a whole byte (up to 255) and a
/// weight (up to 127) can reach 64,770, while with bytes up to 127 a pair stays within 32,258, so one instruction per 64
/// weight bytes gives exact sums. (An 8-bit activation needs its high and low 4 bits multiplied apart, twice the
/// instructions: about 1.35 times the time of a 256 × 2000 product on AVX-512BW.) PyTorch's x86 dynamic quantization
/// narrows its activations to seven bits for the same instruction (<c>reduce_range</c>). The cost is an input off by
/// up to half of max |x| / 63 instead of max |x| / 127.
/// </para>
/// <para>
/// Every path computes the same integer sums (integer addition is exact, so its order does not matter) and then the
/// same float operations, one fused multiply-add per output with the factor scale[o] · xScale: AVX-VNNI's
/// <c>vpdpbusd</c>; AVX-512BW's, AVX2's and SSSE3's <c>vpmaddubsw</c> followed by <c>vpmaddwd</c> by 1 (the outputs past
/// AVX-512BW's vectors of 16 go to AVX2's); and one output at a time. All give identical bits.
/// </para>
/// </remarks>
public static class Int8DotProducts
{
    /// <summary>The largest magnitude a quantized activation takes: -63 to 63 is seven bits, symmetric.</summary>
    public const int ActivationMaxMagnitude = 63;

    /// <summary>
    /// 2^-120 (about 7.5e-37): a vector of activations all smaller in magnitude quantizes to zeros, since 63 / max |x|
    /// could overflow float. With weights up to 1 in magnitude and a thousand inputs, such a vector's products add less
    /// than 1e-33 to each output.
    /// </summary>
    public const float SmallestQuantizedMagnitude = 7.52316385e-37f;

    /// <summary>What a quantized activation is stored as: its value plus 64, a byte from 1 to 127.</summary>
    public const int ZeroPoint = 64;

    /// <summary>How many consecutive inputs of one output share a 32-bit lane of the packed weights.</summary>
    public const int GroupSize = 4;

    /// <summary>
    /// How many outputs' weights lie together, all groups of one panel before the next panel: a block of outputs the
    /// kernels keep in registers then reads one contiguous run of bytes.
    /// </summary>
    public const int PanelWidth = 64;

    /// <summary>
    /// Where output <paramref name="o"/>'s four weights of group 0 lie in the packed form of a matrix with
    /// <paramref name="groups"/> groups and <paramref name="outputs"/> outputs, and (in <paramref name="stride"/>) how
    /// far each next group's lie: its panel's width times four.
    /// </summary>
    private static nint Column(int o, int groups, int outputs, out nint stride)
    {
        int first = o / PanelWidth * PanelWidth;
        stride = (nint)Math.Min(PanelWidth, outputs - first) * GroupSize;
        return (nint)first * groups * GroupSize + (nint)(o - first) * GroupSize;
    }

    /// <summary>The groups of four inputs of a matrix with <paramref name="inputs"/> inputs, the last one padded.</summary>
    public static int Groups(int inputs) => (inputs + GroupSize - 1) / GroupSize;

    /// <summary>The bytes of the packed form of a matrix of <paramref name="inputs"/> inputs and <paramref name="outputs"/> outputs.</summary>
    public static int PackedLength(int inputs, int outputs) => Groups(inputs) * GroupSize * outputs;

    /// <summary>
    /// Quantizes the matrix W of shape (<paramref name="outputs"/>, <paramref name="inputs"/>), given as
    /// <paramref name="transposedWeight"/> in the (inputs, outputs) layout the dense kernels store, into
    /// <paramref name="packed"/> (<see cref="PackedLength"/> bytes, panels of groups of four inputs per output), its row
    /// scales (as <see cref="Int8Quantization.QuantizeRows"/>) and each row's <c>-64 Σ_j q[o, j]</c> in
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
        int groups = Groups(inputs);
        for (int j = 0; j < inputs; j++)
        {
            ReadOnlySpan<float> row = transposedWeight.Slice(j * outputs, outputs);
            for (int o = 0; o < outputs; o++)
            {
                sbyte q = Int8Quantization.Quantize(row[o], scales[o]);
                nint column = Column(o, groups, outputs, out nint stride);
                packed[(int)(column + j / GroupSize * stride + j % GroupSize)] = q;
                zeroPointTerms[o] -= ZeroPoint * q;
            }
        }
    }

    /// <summary>
    /// Quantizes <paramref name="x"/> with one scale, its largest magnitude / 63, into <paramref name="quantized"/> as
    /// <c>round(x · r) + 64</c> with r = 63 / max |x| in float (x in units of the scale, to nearest, ties to even, within
    /// -63 to 63), and returns the scale. A vector whose largest magnitude is below <see cref="SmallestQuantizedMagnitude"/>
    /// (an all-zero one among them) gets scale 0, so the product gives its bias; a vector holding a NaN or an infinity
    /// scale NaN (so every output of the product is NaN); either way each byte is 64. Allocation-free; every SIMD width
    /// gives the scalar loop's bytes.
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
        float largest = LargestMagnitude(x);
        if (!(largest >= SmallestQuantizedMagnitude && float.IsFinite(largest)))
        {
            quantized[..x.Length].Fill(ZeroPoint);
            return float.IsFinite(largest) ? 0f : float.NaN;
        }
        // A multiply per element, not a divide, which takes several times a multiply's issue slots.
        float inverse = ActivationMaxMagnitude / largest;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref byte qs = ref MemoryMarshal.GetReference(quantized);
            Vector256<float> factor = Vector256.Create(inverse);
            Vector256<float> limit = Vector256.Create((float)ActivationMaxMagnitude);
            Vector256<int> zeroPoint = Vector256.Create(ZeroPoint);
            for (; i + 2 * Vector256<float>.Count <= x.Length; i += 2 * Vector256<float>.Count)
            {
                Vector256<int> low = Units(Vector256.LoadUnsafe(ref xs, (nuint)i), factor, limit) + zeroPoint;
                Vector256<int> high = Units(Vector256.LoadUnsafe(ref xs, (nuint)(i + Vector256<float>.Count)), factor, limit) + zeroPoint;
                Vector256<ushort> words = Vector256.Narrow(low.AsUInt32(), high.AsUInt32());
                Vector256.Narrow(words, words).GetLower().StoreUnsafe(ref qs, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            float units = Math.Clamp(MathF.Round(x[i] * inverse, MidpointRounding.ToEven), -ActivationMaxMagnitude, ActivationMaxMagnitude);
            quantized[i] = (byte)((int)units + ZeroPoint);
        }
        return largest / ActivationMaxMagnitude;
    }

    /// <summary>
    /// The largest |x[i]| (0 for an empty span), an infinity if one is there, a NaN if one is there: the integer maximum
    /// of the magnitude bits (<see cref="FloatBits"/>), cheap enough for a decoding step's few hundred activations.
    /// </summary>
    private static float LargestMagnitude(ReadOnlySpan<float> x)
    {
        ref int bits = ref Unsafe.As<float, int>(ref MemoryMarshal.GetReference(x));
        int largest = 0;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && x.Length >= Vector512<int>.Count)
        {
            Vector512<int> vector = Vector512<int>.Zero;
            for (; i + Vector512<int>.Count <= x.Length; i += Vector512<int>.Count)
            {
                vector = Vector512.Max(vector, Vector512.LoadUnsafe(ref bits, (nuint)i) & Vector512.Create(FloatBits.MagnitudeBits));
            }
            largest = FloatBits.Largest(Vector256.Max(vector.GetLower(), vector.GetUpper()));
        }
        else if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<int>.Count)
        {
            Vector256<int> vector = Vector256<int>.Zero;
            for (; i + Vector256<int>.Count <= x.Length; i += Vector256<int>.Count)
            {
                vector = Vector256.Max(vector, Vector256.LoadUnsafe(ref bits, (nuint)i) & Vector256.Create(FloatBits.MagnitudeBits));
            }
            largest = FloatBits.Largest(vector);
        }
        for (; i < x.Length; i++)
        {
            largest = Math.Max(largest, Unsafe.Add(ref bits, i) & FloatBits.MagnitudeBits);
        }
        return BitConverter.Int32BitsToSingle(largest);
    }

    /// <summary>Eight finite values in units of the scale, rounded as the scalar loop rounds them and clamped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Units(Vector256<float> x, Vector256<float> factor, Vector256<float> limit) =>
        Vector256.ConvertToInt32(Vector256.Clamp(Vector256.Round(x * factor), -limit, limit));

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
        else if (Ssse3.IsSupported)
        {
            for (; o + Vector128<int>.Count <= outputs; o += Vector128<int>.Count)
            {
                product.Ssse3Vector(o);
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

        /// <summary>Output o's four weights of group 0, and how far each next group's lie.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ref sbyte Weights(int o, out nint stride) => ref Unsafe.Add(ref weights, Column(o, groups, outputs, out stride));

        /// <summary>The four activation bytes at <paramref name="group"/> in every 32-bit lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<byte> Broadcast512(ref byte group) => Vector512.Create(Unsafe.ReadUnaligned<int>(ref group)).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<byte> Broadcast256(ref byte group) => Vector256.Create(Unsafe.ReadUnaligned<int>(ref group)).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> Broadcast128(ref byte group) => Vector128.Create(Unsafe.ReadUnaligned<int>(ref group)).AsByte();

        /// <summary>Outputs o..o+63 (a whole panel): eight vectors of sums kept in registers across the groups.</summary>
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
            ref sbyte w = ref Weights(o, out nint stride);
            ref byte xg = ref x;
            for (int g = 0; g < groups; g++)
            {
                Vector256<byte> xv = Broadcast256(ref xg);
                acc0 = AvxVnni.MultiplyWideningAndAdd(acc0, xv, Vector256.LoadUnsafe(ref w));
                acc1 = AvxVnni.MultiplyWideningAndAdd(acc1, xv, Vector256.LoadUnsafe(ref w, 32));
                acc2 = AvxVnni.MultiplyWideningAndAdd(acc2, xv, Vector256.LoadUnsafe(ref w, 64));
                acc3 = AvxVnni.MultiplyWideningAndAdd(acc3, xv, Vector256.LoadUnsafe(ref w, 96));
                acc4 = AvxVnni.MultiplyWideningAndAdd(acc4, xv, Vector256.LoadUnsafe(ref w, 128));
                acc5 = AvxVnni.MultiplyWideningAndAdd(acc5, xv, Vector256.LoadUnsafe(ref w, 160));
                acc6 = AvxVnni.MultiplyWideningAndAdd(acc6, xv, Vector256.LoadUnsafe(ref w, 192));
                acc7 = AvxVnni.MultiplyWideningAndAdd(acc7, xv, Vector256.LoadUnsafe(ref w, 224));
                w = ref Unsafe.Add(ref w, stride);
                xg = ref Unsafe.Add(ref xg, GroupSize);
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
            ref sbyte w = ref Weights(o, out nint stride);
            ref byte xg = ref x;
            for (int g = 0; g < groups; g++)
            {
                acc = AvxVnni.MultiplyWideningAndAdd(acc, Broadcast256(ref xg), Vector256.LoadUnsafe(ref w));
                w = ref Unsafe.Add(ref w, stride);
                xg = ref Unsafe.Add(ref xg, GroupSize);
            }
            Store(acc, o);
        }

        /// <summary>
        /// Outputs o..o+63 (a whole panel) with AVX-512BW, as <see cref="Avx512Vector"/> four times over: four vectors of
        /// sums kept in registers across the groups, each group's activations broadcast once for all of them.
        /// </summary>
        public void Avx512Block4(int o)
        {
            Vector512<int> sums0 = Vector512.LoadUnsafe(ref terms, (nuint)o), sums1 = Vector512.LoadUnsafe(ref terms, (nuint)(o + 16));
            Vector512<int> sums2 = Vector512.LoadUnsafe(ref terms, (nuint)(o + 32)), sums3 = Vector512.LoadUnsafe(ref terms, (nuint)(o + 48));
            ref sbyte w = ref Weights(o, out nint stride);
            ref byte xg = ref x;
            for (int g = 0; g < groups; g++)
            {
                Vector512<byte> xv = Broadcast512(ref xg);
                sums0 += Sum(xv, Vector512.LoadUnsafe(ref w));
                sums1 += Sum(xv, Vector512.LoadUnsafe(ref w, 64));
                sums2 += Sum(xv, Vector512.LoadUnsafe(ref w, 128));
                sums3 += Sum(xv, Vector512.LoadUnsafe(ref w, 192));
                w = ref Unsafe.Add(ref w, stride);
                xg = ref Unsafe.Add(ref xg, GroupSize);
            }
            Store(sums0, o);
            Store(sums1, o + 16);
            Store(sums2, o + 32);
            Store(sums3, o + 48);
        }

        /// <summary>Outputs o..o+15 with AVX-512BW, one group's 64 weight bytes at a time.</summary>
        public void Avx512Vector(int o)
        {
            Vector512<int> sums = Vector512.LoadUnsafe(ref terms, (nuint)o);
            ref sbyte w = ref Weights(o, out nint stride);
            ref byte xg = ref x;
            for (int g = 0; g < groups; g++)
            {
                sums += Sum(Broadcast512(ref xg), Vector512.LoadUnsafe(ref w));
                w = ref Unsafe.Add(ref w, stride);
                xg = ref Unsafe.Add(ref xg, GroupSize);
            }
            Store(sums, o);
        }

        /// <summary>
        /// Each output's four products of a group: <c>vpmaddubsw</c> adds inputs (0, 1) and (2, 3) into two 16-bit lanes
        /// (at most 2 · 127 · 127 = 32,258, so never saturated), <c>vpmaddwd</c> by 1 adds the two into its 32-bit lane.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> Sum(Vector512<byte> x, Vector512<sbyte> w) =>
            Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w), Vector512<short>.One);

        /// <summary>Outputs o..o+31 with AVX2, as <see cref="Avx512Block4"/> at half the width.</summary>
        public void Avx2Block4(int o)
        {
            Vector256<int> sums0 = Vector256.LoadUnsafe(ref terms, (nuint)o), sums1 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 8));
            Vector256<int> sums2 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 16)), sums3 = Vector256.LoadUnsafe(ref terms, (nuint)(o + 24));
            ref sbyte w = ref Weights(o, out nint stride);
            ref byte xg = ref x;
            for (int g = 0; g < groups; g++)
            {
                Vector256<byte> xv = Broadcast256(ref xg);
                sums0 += Sum(xv, Vector256.LoadUnsafe(ref w));
                sums1 += Sum(xv, Vector256.LoadUnsafe(ref w, 32));
                sums2 += Sum(xv, Vector256.LoadUnsafe(ref w, 64));
                sums3 += Sum(xv, Vector256.LoadUnsafe(ref w, 96));
                w = ref Unsafe.Add(ref w, stride);
                xg = ref Unsafe.Add(ref xg, GroupSize);
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
            ref sbyte w = ref Weights(o, out nint stride);
            ref byte xg = ref x;
            for (int g = 0; g < groups; g++)
            {
                sums += Sum(Broadcast256(ref xg), Vector256.LoadUnsafe(ref w));
                w = ref Unsafe.Add(ref w, stride);
                xg = ref Unsafe.Add(ref xg, GroupSize);
            }
            Store(sums, o);
        }

        /// <summary>The 256-bit <see cref="Sum(Vector512{byte}, Vector512{sbyte})"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Sum(Vector256<byte> x, Vector256<sbyte> w) =>
            Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w), Vector256<short>.One);

        /// <summary>Outputs o..o+3 with SSSE3, as <see cref="Avx2Vector"/> at half the width.</summary>
        public void Ssse3Vector(int o)
        {
            Vector128<int> sums = Vector128.LoadUnsafe(ref terms, (nuint)o);
            ref sbyte w = ref Weights(o, out nint stride);
            ref byte xg = ref x;
            for (int g = 0; g < groups; g++)
            {
                Vector128<short> pairs = Ssse3.MultiplyAddAdjacent(Broadcast128(ref xg), Vector128.LoadUnsafe(ref w));
                sums += Sse2.MultiplyAddAdjacent(pairs, Vector128<short>.One);
                w = ref Unsafe.Add(ref w, stride);
                xg = ref Unsafe.Add(ref xg, GroupSize);
            }
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
            ref sbyte w = ref Weights(o, out nint stride);
            ref byte xg = ref x;
            for (int g = 0; g < groups; g++)
            {
                for (int k = 0; k < GroupSize; k++)
                {
                    sum += Unsafe.Add(ref xg, k) * Unsafe.Add(ref w, k);
                }
                w = ref Unsafe.Add(ref w, stride);
                xg = ref Unsafe.Add(ref xg, GroupSize);
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
